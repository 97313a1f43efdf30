// Package oracle is vaultkeeper's administrative access to the Oracle database that holds
// an Altium schema: the Admin interface the runbooks and checks use, the one
// implementation of its logic (Client, over a Driver), and the *OraError type every
// driver returns so callers can use errors.As and the ORA- code.
//
// Drivers live in sub-packages: goora (database/sql with go-ora, an administrative
// account) and sqlplus (`sqlplus -S /nolog`, SQL on stdin, `/ as sysdba` by OS
// authentication). SQL text comes only from sqlgen. admintest is the conformance suite
// both drivers pass; dump runs exp/imp and expdp/impdp; checks/oralog classifies their logs;
// dumpfile identifies dump files; snapshot records what a backup saw.
package oracle
