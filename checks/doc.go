// Package checks holds the named integrity checks vaultkeeper runs per server
// (localvault-keys, tnsnames-alias, iis-binding, oracle-listener, oracle-login,
// destination-writable). The parsers they stand on are sub-packages.
package checks
