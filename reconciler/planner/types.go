package planner

import (
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

// Action kinds.
const (
	ActBackup     = "backup"
	ActVerify     = "verify"
	ActCrosscheck = "crosscheck"
	ActRetention  = "retention"
	ActRestore    = "restore"
	ActChecks     = "checks"
)

// Action is one thing the loop would do.
type Action struct {
	Kind   string `json:"kind"`
	Server string `json:"server"`
	// Object is KIND/NAME of the manifest that asks for it (policy/x, restore/y, server/z).
	Object string `json:"object"`
	// Sets names the sets involved (verify, restore, retention removals).
	Sets []string `json:"sets,omitempty"`
	// Reason says why it is due.
	Reason string `json:"reason"`
	// Steps describe, in words, what the action will do (restores: which set, which host,
	// the DROP USER, the safety backup).
	Steps []string `json:"steps,omitempty"`
	// Destructive marks actions that overwrite or delete (restores, retention removals).
	Destructive bool `json:"destructive,omitempty"`
}

// Waiting is an action not due yet.
type Waiting struct {
	Kind   string    `json:"kind"`
	Server string    `json:"server"`
	Object string    `json:"object"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Plan is the planner's answer.
type Plan struct {
	Now     time.Time `json:"now"`
	Actions []Action  `json:"actions"`
	Waiting []Waiting `json:"waiting"`
	// Blocked are objects that will not act until a person changes something.
	Blocked []Waiting `json:"blocked,omitempty"`
}

// Set is a backup set as the planner sees it.
type Set struct {
	ID           string
	Time         time.Time
	Verified     bool // the last verification passed
	LastVerified time.Time
	Kind         string
	// Replicas lists the copies (destinations) that hold the set.
	Replicas []string
	// Agent is the agent its record names; Trust the verdict on the record's signature
	// (catalog.TrustVerdict, without the agent check: trusted, unsigned, forged,
	// unverifiable) and TrustReason its words. Only a trusted set is restored (issue 14).
	Agent, Trust, TrustReason string
}

// PolicyState is the actual state of a policy.
type PolicyState struct {
	LastAttempt time.Time
	LastSuccess time.Time
	// RetryAt is set after a failure: no new attempt before it (backoff or next window).
	RetryAt time.Time
	// Stalled holds the message of a failure a person must fix; no retry until the spec changes.
	Stalled string
	// Suspended is the CLI override (vaultkeeper suspend policy/NAME).
	Suspended bool
	// Sets are the sets of the primary destination, oldest first.
	Sets []Set
	// Force asks for a run now (vaultkeeper reconcile policy/NAME).
	Force bool
	// WaitUntil holds runs back until the maintenance window opens.
	WaitUntil time.Time
	// Requested is a requested backup that waited for the window: it runs once it opens.
	Requested bool
	// ReplicaRetry holds, per copy (spec.copies destination), the time before which it is
	// not tried again after a failure.
	ReplicaRetry map[string]time.Time
}

// RestoreState is the actual state of a Restore.
type RestoreState struct {
	// AppliedHash is the spec hash of the last successful restore.
	AppliedHash string
	RestoredSet string
	RestoredAt  time.Time // the restored set's time
	LastAttempt time.Time
	RetryAt     time.Time
	// FailedHash is the spec hash of a restore that failed after it began destroying (a
	// half-done restore): it is not re-run by itself for this spec.
	FailedHash string
	Stalled    string
	Force      bool
	// Record is what the target's restore record (its install dir) says about this spec;
	// RecordError, when set, says why the record could not be read (the Restore is held).
	Record      restorerecord.Status
	RecordError string
}

// ServerState is the actual state of a server.
type ServerState struct {
	LastChecks time.Time
	Force      bool
}

// Actual is the whole actual state, by object name.
type Actual struct {
	Policies map[string]PolicyState
	Restores map[string]RestoreState
	Servers  map[string]ServerState
}
