// Package sqlsim is the simulated sqlplus of altium-sim: `sqlplus [-S] [-L] /nolog|LOGON`
// with a script on standard input, run against the simulated database (simdb).
//
// It understands the SQL*Plus commands a script uses (CONNECT, SET, WHENEVER, PROMPT,
// EXIT/QUIT, DISCONNECT, REM, --) and exactly the SQL statements vaultkeeper's sqlgen
// emits, parsed from tokens: anything else is ORA-00900. It answers as sqlplus does:
// "ERROR at line 1:" and "ORA-nnnnn: …" after a failed statement, "ERROR:" and the
// ORA- line after a failed CONNECT, SP2- messages for SQL*Plus-level errors (which do
// not trigger WHENEVER SQLERROR), "SP2-0640: Not connected", and with
// WHENEVER SQLERROR EXIT SQL.SQLCODE the exit status SQLCODE mod 256, as on Unix.
//
// Sessions: the simulated application holds sessions of the schema user while IIS runs
// (host.Tick, run by the dispatcher before each tool call); DROP USER fails with
// ORA-01940 while any are held; the kill-sessions block ends them, and a locked
// account keeps the application from reconnecting at the next Tick.
package sqlsim
