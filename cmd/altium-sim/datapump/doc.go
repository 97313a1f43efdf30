// Package datapump simulates Oracle Data Pump's expdp and impdp in schema mode: files in
// the folder of a DIRECTORY object (default DATA_PUMP_DIR), Data Pump's log lines, its
// ORA- errors (ORA-39087 unknown directory, ORA-27038 dump exists, ORA-39143 original
// export file, ORA-31619 invalid dump, ORA-31684 user exists, ORA-39151 table exists,
// ORA-39083/ORA-00959 missing tablespace), REMAP_SCHEMA and REMAP_TABLESPACE, and its
// exit codes: 0 success, 5 completed with errors, 1 failure.
package datapump
