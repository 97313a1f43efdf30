// Package simdb is the state of the simulated Oracle database behind altium-sim.
//
// The database lives in one JSON file, ROOT/oracle/db.json, next to the lock file
// ROOT/oracle/db.lock. Every simulated tool process (exp, imp, expdp, impdp, sqlplus,
// avbackup's application writes) does
//
//	db, err := simdb.Open(root) // takes an exclusive lock, blocks until it gets it
//	defer db.Close()            // releases the lock; does NOT save
//	... read and change db.State through the methods below ...
//	err = db.Save()             // atomic: temp file, fsync, rename
//
// so concurrent processes serialize like sessions on one instance would.
//
// What is stored: users (names upper-case, case-sensitive passwords, account lock,
// default tablespace, granted roles and system privileges, sessions held), each schema's
// tables (name, tablespace, row count) and its other objects counted by type (INDEX,
// SEQUENCE, VIEW, TRIGGER, PROCEDURE, ...), the schema's application generation, the
// tablespaces and the directory objects (name → host folder). SYSTEM is an ordinary user
// holding the DBA role. Row content is NOT stored: Row derives it from (table, row index,
// generation), so multi-GiB dumps stream without memory and imp can check what it reads.
//
// The user operations (CreateUser, DropUser, Grant, Revoke, Login, ...) fail with *OraError
// values that carry the ORA- code and the message text Oracle 19c prints, so the simulated
// tools only have to print err.Error().
package simdb
