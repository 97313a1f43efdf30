// Package checks holds the named integrity checks vaultkeeper runs per server
// (localvault-keys, tnsnames-alias, iis-binding, oracle-listener, oracle-login,
// destination-writable): the "verify data integrity" part of the vendor's restore procedure,
// made continuous. The parsers they stand on are sub-packages (tnsnames, localvault, iis).
//
// Run runs every check of a server in the order of Names; RunOne runs one. Each returns a
// Result whose Message says what was found and, on failure, what the admin should fix. A
// missing or unreadable file is a failed check, never a panic; each check is bounded by the
// context; Oracle logins go through the Login interface so that this package does not depend
// on a driver; no message ever holds the LocalVault.ini password.
package checks
