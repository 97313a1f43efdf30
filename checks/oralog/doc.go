// Package oralog classifies the logs of exp, imp, expdp and impdp: success, success
// with warnings, or failure, with the message codes found (EXP-, IMP-, ORA-, UDE-, UDI-,
// LRM-, KUP-), the rows per table, and the character sets and export version named.
//
// The verdict comes from the log, never from the exit status alone (exp/imp exit 0 on
// Unix after warnings; a log can end "terminated successfully with warnings" after
// IMP-/ORA- errors). Rules:
//   - the final verdict line decides the base verdict; a log without one (empty, or cut
//     off because the tool was killed or the disk filled) is a failure;
//   - "terminated unsuccessfully", "stopped due to fatal error", any UDE-/UDI-/LRM-
//     message and the fatal codes in Fatal (IMP-00002 cannot open file, IMP-00009
//     abnormal end of export file, …) make it a failure, whatever the last line says;
//   - "successfully without warnings" with codes in the log anyway is downgraded to
//     success with warnings; Data Pump's "completed with N error(s)" is success with
//     warnings (the job ran to its end) and the errors are reported as codes.
//
// Data Pump LOGTIME prefixes ("02-MAY-25 14:34:13.660: ") are stripped first.
//
// A Policy then decides whether the run counts as good (Decide, Check): by codes, never
// by the English final line alone. Accepted codes (DefaultAccepted: IMP-00041, ORA-39082,
// ORA-39111, ORA-31684; Policy.Accept extends them) pass only when they explain every
// error Data Pump counted; any other code fails the run; a log without a recognised final
// line (cut off, or translated because NLS_LANG was not set) is "unknown" and never
// accepted; "possible charset conversion" fails an export and is a recorded warning on
// import (source and target character sets may legitimately differ).
package oralog
