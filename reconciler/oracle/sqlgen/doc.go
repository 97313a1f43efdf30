// Package sqlgen is the one place where vaultkeeper writes SQL text for Oracle.
//
// Oracle DDL (CREATE/DROP/ALTER USER, GRANT, REVOKE) takes no bind variables (ORA-01027),
// so names are spliced into the text. Every name is therefore validated first:
//
//   - a name vaultkeeper chooses (user, role, tablespace) must match
//     ^[A-Za-z][A-Za-z0-9_$#]{0,127}$ and is upper-cased and double-quoted ("AESUSER313"),
//     which gives the same object as the unquoted name would;
//   - a name read back from the data dictionary (a table name) keeps its case and is
//     double-quoted; it is rejected if it holds '"', NUL or a line break, since Oracle has
//     no escape inside a quoted identifier.
//
// Passwords go inside IDENTIFIED BY "…" for the same reason: a password holding '"', NUL,
// CR or LF is rejected rather than escaped, because there is nothing to escape it with.
// Everything else (spaces, quotes ', &, ;, @, /, unicode) is kept as is; sqlplus scripts
// run with SET DEFINE OFF so '&' is not substituted.
//
// Statements carry no trailing ';' (go-ora sends text as is and a ';' after plain SQL
// fails with ORA-00933). PL/SQL blocks end with "END;" as PL/SQL requires; Stmt.PLSQL
// tells sqlplus to terminate them with a '/' line instead of a ';'.
package sqlgen
