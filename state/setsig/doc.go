// Package setsig authenticates backup set records (vaultkeeper.json) with HMAC-SHA256, so
// that whoever can write the backup share cannot choose what a Restore imports.
//
// Keys come from a key file (`--set-key-file`, shared by the agents that restore each other's
// sets) or, without one, from a key the agent generates in its state dir (set-key, 0600, like
// the API token): a single agent then trusts the sets it signed with no set-up.
//
// A key file holds one key per line, 64 hex digits (32 random bytes); blank lines and lines
// starting with # are ignored. The first key signs; every key verifies. That is how keys
// rotate (as restic keeps several keys per repository): add the new key first, keep the old
// one below it for as long as sets signed with it are kept, then remove it. Each signature
// names its key by a key id (derived from the key, revealing nothing of it).
//
// This package signs bytes; state/catalog decides which bytes of a set record are signed.
package setsig
