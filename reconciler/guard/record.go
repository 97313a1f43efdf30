package guard

import "github.com/vaultkeeper/vaultkeeper/state/restorerecord"

// Lookup reads the restore record in the target's installDir and says what it holds about
// Restore restore with target hash hash. An error (the record cannot be read) must hold the
// Restore: without the record nothing proves the target was not restored.
func Lookup(installDir, restore, hash string) (restorerecord.Status, error) {
	rec, err := restorerecord.Read(installDir)
	if err != nil {
		return restorerecord.Status{}, err
	}
	return rec.Lookup(restore, hash), nil
}

// RecordEntry is an entry of the target's restore record (the restore runbook writes it).
type RecordEntry = restorerecord.Entry

// Applied is the record's verdict for a spec the target holds.
const Applied = restorerecord.Applied
