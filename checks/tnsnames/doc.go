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
// one line, usable as a go-ora connect string.
//
// Lookups follow Oracle Net rather than the file's order of appearance:
//
//   - The last definition of an alias wins ("the alias on the bottom is the one used"), with
//     includes expanded where their IFILE stands; File.Duplicates names both places.
//   - A parameter given twice in one list (HOST twice in an ADDRESS) takes its last value;
//     Entry.Warnings says so, and Descriptor holds only that value, so a driver reading the
//     descriptor cannot choose differently. Descriptions and addresses are lists, not
//     parameters: the first address is still the first tried.
//   - Easy Connect values are entries: "A = [tcp[s]://][//]host[:port][/service[:server][/instance]]",
//     port 1521 when omitted ("DEV = devdb:1521/devpdb", "PROD = tcp://db1:1522/prodsvc").
//   - Parse, ParseFile and ParseFS are strict: the first syntax error fails, as `vaultkeeper
//     inspect tnsnames FILE` needs. Read is lenient, as Oracle clients are: an entry with an
//     error is skipped (File.Errors; File.Broken when its names could be read) and parsing
//     resumes at the next line starting in column 1; an IFILE that cannot be read is skipped too.
//   - Resolve is the one resolution the checks, the go-ora connection and `inspect tnsnames
//     --resolve` share: Read, then NAMES.DEFAULT_DOMAIN from the sqlnet.ora in the same folder
//     appended to an alias without a dot ("AES" is looked up as "AES.CORP"; "AES." asks for the
//     unqualified name), names compared case-insensitively, the last definition used, an error
//     when that definition is broken, and warnings for everything passed over.
//
// Not modelled: TNS_ADMIN search order and the Windows registry (the caller names the file),
// sqlnet.ora's NAMES.DIRECTORY_PATH (tnsnames is assumed to be tried), LDAP naming. Whether an
// Oracle client resolves an alias whose last definition is broken (by falling back to an
// earlier one) is not known; Resolve reports an error.
package tnsnames
