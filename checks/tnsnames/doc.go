// Package tnsnames reads Oracle Net's local naming file, tnsnames.ora, the way Oracle's
// "Syntax Rules for Configuration Files" describe it and the way people write it:
//
//   - a parameter (a net service name, or IFILE) starts in column 1; indented lines continue
//     the previous parameter. Descriptors that start in column 1 anyway ("ALIAS =" on one line,
//     "(DESCRIPTION=" on the next) are accepted, since Oracle clients accept them; a word in
//     column 1 while parentheses are still open is reported as a missing ")".
//   - "#" starts a comment to the end of the line (also after a value); keywords are
//     case-insensitive, values keep their case; spaces around "=" are optional; values with
//     spaces or reserved characters are quoted with " or '; "\" escapes a reserved character.
//   - several aliases share one descriptor: "A, A.world = (DESCRIPTION=…)".
//   - DESCRIPTION_LIST, ADDRESS_LIST, several addresses, SERVICE_NAME or SID.
//   - IFILE=path includes another file in place (relative paths are relative to the including
//     file); cycles, too deep nesting and too many includes are errors.
//   - CRLF line ends, a UTF-8 byte order mark, tabs.
//
// Errors are *Error values naming file:line:column. Inputs are bounded (MaxFileSize per file,
// MaxDepth nested parentheses, MaxIncludeDepth and MaxIncludes for IFILE, Oracle's 4 KB
// descriptor limit), so no input makes the parser allocate without bound.
//
// Each Entry reports the first address of the first description (protocol, host, port) and
// that description's SERVICE_NAME or SID, plus Descriptor, the first description rewritten on
// one line, usable as a go-ora connect string. When an alias is defined twice, Lookup returns
// the first definition, in file order with includes expanded in place; later ones are listed
// in File.Duplicates.
package tnsnames
