// Package sqlplus is the sqlplus Driver for oracle.Client: each call runs
// `sqlplus -S /nolog` through toolrun with a script on standard input that connects
// (`CONNECT / AS SYSDBA` by OS authentication, so no DBA password is stored; or
// `CONNECT USER/"password"@alias` for Login), so no secret ever reaches argv.
//
// The script sets WHENEVER SQLERROR EXIT SQL.SQLCODE and output options that make rows
// parseable (no headings, no feedback, COLSEP '|', NUMWIDTH 38, DEFINE OFF so '&' in a
// password is not substituted). The verdict comes from the output, not the exit status:
// on Unix the status is SQLCODE mod 256, and SP2- errors (such as "SP2-0640: Not
// connected") do not trigger WHENEVER SQLERROR at all. The first ORA- message becomes an
// *oracle.OraError; an SP2- message becomes an *SP2Error.
package sqlplus
