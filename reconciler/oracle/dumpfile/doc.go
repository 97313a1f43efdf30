// Package dumpfile identifies an Oracle dump file without Oracle: a classic export
// (exp), a Data Pump file (expdp), or neither, and whether it was cut short.
//
// What is known and what is not:
//   - Classic exports start with byte 0x03, a two-byte big-endian character-set id
//     (0x00B2 = 178 = WE8MSWIN1252) and "EXPORT:V" plus the version ("EXPORT:V19.00.00"),
//     the signature file carvers (PhotoRec's file_dmp.c) match.
//   - Data Pump files have no documented magic. altium-sim writes "\x00\x01DATAPUMP:V…"
//     and that marker is matched exactly; a real Data Pump file can only be identified by
//     elimination (not a classic export, not text, not a zip, at least one 4 KiB block),
//     so Info.Certain is false then. DBMS_DATAPUMP.GET_DUMPFILE_INFO on the database is
//     the authoritative test.
//   - Truncation: altium-sim ends every dump with the trailer "EXIT\nEXIT\n", so a
//     simulated dump without it is reported truncated. Oracle documents no trailer for
//     real files, so for them the trailer is only reported (Trailer true/false) and a
//     truncated real dump is detected by imp ("IMP-00009: abnormal end of export file",
//     see checks/oralog) or impdp, not here.
package dumpfile
