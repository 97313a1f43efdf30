// Package dumpid identifies an Oracle dump file without Oracle: a classic export
// (exp), a Data Pump file (expdp), or neither, and whether it was cut short.
//
// What is known and what is not:
//   - Classic exports start with byte 0x03, a two-byte big-endian character-set id
//     (0x00B2 = 178 = WE8MSWIN1252) and "EXPORT:V" plus the version ("EXPORT:V19.00.00"),
//     the signature file carvers (PhotoRec's file_dmp.c) match.
//   - Data Pump files have no documented magic, so vaultkeeper reads none of their bytes:
//     a Data Pump file is identified by elimination only (not a classic export, not text,
//     not a zip, at least one 4 KiB block) and Info.Certain is false. The authoritative
//     test is DBMS_DATAPUMP.GET_DUMPFILE_INFO on the database (file type 0 unknown, 1 Data
//     Pump, 2 classic export, 3 external table; ku$_dumpfile_info items KU$_DFHDR_FILE_VERSION,
//     _CHARSET_ID, _JOB_NAME, _PLATFORM, _DB_VERSION, …). The restore asks it in its preflight,
//     before anything is stopped, and again before impdp (oracle.Client.DumpfileInfo on a
//     copy staged in the directory object); this
//     package, which works without a database (backup, set verification), does not.
//
// This is the one dump identifier: the backup (reconciler) and set verification
// (checks/setverify) both use it.
//   - Truncation: altium-sim ends every dump with the trailer "EXIT\nEXIT\n", so a
//     simulated dump without it is reported truncated. Oracle documents no trailer for
//     real files, so for them the trailer is only reported (Trailer true/false) and a
//     truncated real dump is detected by imp ("IMP-00009: abnormal end of export file",
//     see checks/oralog) or impdp, not here.
package dumpid
