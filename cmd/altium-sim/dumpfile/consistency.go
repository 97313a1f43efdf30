package dumpfile

import "github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"

// Mixed is the generation stamped into a schema exported while the application wrote to
// it without a consistent read: its tables come from different moments, so no
// generation describes the dump, and a host restored from it never verifies consistent.
const Mixed = -1

// ReadConsistency returns s as an export reads it. Without a read-consistent export
// (exp CONSISTENT=Y, or FLASHBACK_SCN / FLASHBACK_TIME for exp and expdp) each table is
// read at its own moment (exp's default CONSISTENT=N; expdp without FLASHBACK_* is
// consistent per table only): while other sessions of the schema write (the application,
// or a sessions fault), the tables captured belong to different generations.
func ReadConsistency(s Schema, u *simdb.User, consistent bool) Schema {
	if !consistent && u.Sessions > 0 {
		s.Generation = Mixed
	}
	return s
}
