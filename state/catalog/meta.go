package catalog

import (
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// File names inside a backup set (DESIGN §5, contract).
const (
	FileZip       = "files.zip"
	FileDump      = "oracle.dmp"
	FileExportLog = "oracle-export.log"
	FileMetadata  = "vaultkeeper.json"
	// PartialSuffix marks a set folder that is still being written; it is never a set.
	PartialSuffix = ".partial"
	// SetIDLayout is the set id: the UTC start time.
	SetIDLayout = "20060102T150405Z"
	// MetaFormat is the version of the vaultkeeper.json layout written by this code.
	MetaFormat = 1
)

// Set kinds.
const (
	KindScheduled = "scheduled" // by a policy's schedule
	KindManual    = "manual"    // by `vaultkeeper reconcile policy/NAME`
	KindSafety    = "safety"    // taken of a restore target before it is overwritten
)

// File roles.
const (
	RoleFiles = "files"
	RoleDump  = "dump"
	RoleLog   = "log"
)

// Meta is vaultkeeper.json, the record that makes a folder a backup set.
type Meta struct {
	Format   int       `json:"format"`
	ID       string    `json:"id"`
	Server   string    `json:"server"`
	Policy   string    `json:"policy"`
	Agent    string    `json:"agent"`
	Kind     string    `json:"kind"`
	Revision string    `json:"revision,omitempty"` // git revision of the manifests that asked for it
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Restore names the Restore a safety set was taken for.
	Restore string       `json:"restore,omitempty"`
	Tools   ToolVersions `json:"tools"`
	Files   []FileMeta   `json:"files"`
	Oracle  OracleMeta   `json:"oracle"`
	// Verifications are the verification results, newest last.
	Verifications []Verification `json:"verifications,omitempty"`
	// Signature authenticates the record (see sign.go); nil on sets made before signing.
	Signature *setsig.Signature `json:"signature,omitempty"`
	// Downtime is the order the set was made in: vendor (IIS stopped for avbackup and the
	// export) or minimal (IIS stopped for avbackup; the export read the schema as of
	// Oracle.SCN). Empty in sets made before it was recorded (vendor).
	Downtime string `json:"downtime,omitempty"`
}

// ToolVersions records what produced the set.
type ToolVersions struct {
	Vaultkeeper string `json:"vaultkeeper"`
	Dump        string `json:"dump"`                  // exp or expdp
	DumpVersion string `json:"dumpVersion,omitempty"` // e.g. EXPORT:V19.00.00
	Charset     string `json:"charset,omitempty"`     // e.g. WE8MSWIN1252 (from the log) or the id from the header
}

// FileMeta is one file of the set.
type FileMeta struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// OracleMeta is what the export saw, so a restore can prove it brought everything back.
type OracleMeta struct {
	Schema string `json:"schema"`
	// Objects counts the schema's objects by type (TABLE, INDEX, SEQUENCE, …) at backup time.
	Objects map[string]int `json:"objects,omitempty"`
	// Rows are the rows exported per table, from the export log.
	Rows map[string]int64 `json:"rows,omitempty"`
	// Warnings are the EXP-/ORA- codes the export log carried (the policy decided they pass).
	Warnings []string `json:"warnings,omitempty"`
	// Tablespaces are the tablespaces holding the schema's segments, tables, indexes and
	// LOBs at backup time: a restore grants quota on each (remapped) after REVOKE DBA.
	Tablespaces []string `json:"tablespaces,omitempty"`
	// DefaultTablespace is the schema user's default tablespace; a restore creates the
	// user with it (remapped), USERS when the record has none.
	DefaultTablespace string `json:"defaultTablespace,omitempty"`
	// InvalidObjects counts the schema's INVALID objects at backup time (nil in sets made
	// before it was recorded); a restore that leaves more fails.
	InvalidObjects *int `json:"invalidObjects,omitempty"`
	// SCN is the system change number recorded while IIS was stopped, which the export
	// read the schema as of (FLASHBACK_SCN); 0 when the export was consistent as of its
	// own start (downtime vendor).
	SCN uint64 `json:"scn,omitempty"`
}

// Verification levels.
const (
	LevelL1 = "L1" // sha256 of every file against Files
	LevelL2 = "L2" // structure: zip entries and CRCs, dump header, export log verdict
)

// Verification is one verification result.
type Verification struct {
	Level    string        `json:"level"`
	OK       bool          `json:"ok"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"durationNanos"`
	// Problems say which file failed and why; empty when OK.
	Problems []string `json:"problems,omitempty"`
	// Where is the destination the set was verified in (primary or a replica).
	Where string `json:"where,omitempty"`
}
