// Package oracli is what the simulated Oracle client tools (exp, imp, expdp, impdp) share:
// parsing KEYWORD=value arguments and parfiles, the USERID connect string, logging on
// (the alias resolved through ROOT/tnsnames.ora, the password checked by simdb), and
// writing each message to both the screen and the log file.
package oracli
