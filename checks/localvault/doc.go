// Package localvault reads Altium's LocalVault.ini the way Windows' profile functions
// (GetPrivateProfileString) read INI files, so that vaultkeeper sees what the server sees:
//
//   - sections ("[Name]") or none; keys outside any section belong to the section "".
//   - lines whose first non-blank character is ';' or '#' are comments; there are no
//     comments after a value (a password may hold ';' or '#').
//   - "key = value": blanks around key and value are trimmed, and one pair of matching
//     quotes around the value is removed.
//   - CRLF or LF line ends; UTF-8 with or without a byte order mark, UTF-16 LE or BE with a
//     byte order mark, and, for bytes that are not UTF-8, Windows-1252 (the "ANSI" code page
//     such tools write by default in the west).
//   - keys are looked up case-insensitively and keep the case they are written in; when a
//     key is written twice the first value is used (as Windows does within a section) and the
//     repetition is listed in File.Duplicates with both line numbers.
//
// The section layout of LocalVault.ini is not documented, so Get looks a key up in every
// section, in file order. Files are limited to MaxFileSize.
package localvault
