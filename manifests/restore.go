package manifests

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// SafetyBackupEnabled reports whether the target is backed up before it is overwritten
// (the default).
func (r *RestoreSpec) SafetyBackupEnabled() bool {
	return r.SafetyBackup == nil || *r.SafetyBackup
}

// SpecHash is the sha256 (hex) of the canonical JSON of the spec, with defaults applied and
// Suspend left out (suspending and resuming does not make a restore new). A restore of a
// fixed set id runs once per spec hash. Call it on loaded objects (Load applies defaults).
func (r *Restore) SpecHash() string {
	spec := r.Spec
	spec.Suspend = false
	safety := spec.SafetyBackupEnabled()
	spec.SafetyBackup = &safety
	// encoding/json writes struct fields in declaration order and map keys sorted: canonical.
	b, err := json.Marshal(spec)
	if err != nil {
		panic("manifests: marshal RestoreSpec: " + err.Error()) // only strings, bools and maps of strings
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
