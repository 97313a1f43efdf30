package metrics

import "time"

// Snapshot is the state the collector exports, read at every scrape. The loop builds it from
// the store, the catalog and the manifests of the revision in force; it must be cheap (no
// disk walk per scrape beyond what the store keeps) and safe to call concurrently.
type Snapshot struct {
	// Policies are every BackupPolicy of this agent's servers in the revision in force.
	Policies []PolicyStatus
	// Restores are every Restore of this agent's servers in the revision in force.
	Restores []RestoreStatus
	// Checks are the integrity checks of this agent's servers, one per server and check.
	Checks []CheckStatus
	// Source is the state of the manifests source.
	Source SourceStatus
	// ManifestsInvalid is true while the newest revision of the source was rejected (the last
	// good revision stays in force).
	ManifestsInvalid bool
	// Servers counts the servers this agent owns in the revision in force (issue 16: an
	// agent whose --agent matches no spec.agent watches nothing).
	Servers int
	// Obligations are the recovery obligations still pending (start IIS, revoke DBA), one
	// entry per server and kind.
	Obligations []ObligationStatus
}

// ObligationStatus counts the pending recovery obligations of one kind on one server.
type ObligationStatus struct {
	Server, Kind string
	Pending      int
}

// PolicyStatus is the state of one backup policy. Zero times mean "never" and are exported as 0.
type PolicyStatus struct {
	Server, Policy string
	// MaxAge is the policy's spec.maxAge.
	MaxAge time.Duration
	// MinVerified is the policy's spec.retention.minVerified (after defaults).
	MinVerified int
	// VerifyInterval is the policy's spec.verify.interval (after defaults).
	VerifyInterval time.Duration
	// LastSuccess is the start time (the set id) of the newest complete backup set in the
	// catalog; zero when there is none.
	LastSuccess time.Time
	// LastAttempt is the start time of the most recent run, finished or not, successful or
	// not; zero when no run was ever attempted. A run that succeeded has LastAttempt ≤
	// LastSuccess, so LastAttempt > LastSuccess means the most recent finished run failed
	// (when Running is false).
	LastAttempt time.Time
	// LastVerified is the oldest of the kept sets' latest verification times: every kept set
	// was verified at or after it. Zero when no kept set was ever verified.
	LastVerified time.Time
	// Running is true while a backup run of this policy is in flight.
	Running bool
	// SetsVerified and SetsUnverified count the complete sets kept in the catalog.
	SetsVerified, SetsUnverified int
	// FutureSets counts the sets dated more than an hour ahead (catalog.SplitFuture), which
	// count for nothing else.
	FutureSets int
	// Size is the size of the newest set; zero before the first set.
	Size SetSize
	// FreeBytes is the free space of the destination's file system; -1 when unknown (the
	// series is then absent).
	FreeBytes int64
	// Replicas are the policy's copies (spec.copies) and their state.
	Replicas []ReplicaStatus
}

// SetSize is the size of a backup set by component.
type SetSize struct {
	// Files is files.zip (avbackup's output).
	Files int64
	// Dump is the Oracle dump (oracle.dmp).
	Dump int64
	// Total is the whole set folder, logs and vaultkeeper.json included.
	Total int64
}

// RestoreStatus is the state of one Restore.
type RestoreStatus struct {
	Server, Restore string
	// MaxLag is the restore's spec.maxLag; zero when it has none (a fixed set id).
	MaxLag time.Duration
	// LastSuccess is when the most recent successful restore finished; zero when never.
	LastSuccess time.Time
	// RestoredBackupTime is the time (set id) of the set the server now holds through this
	// restore; zero when nothing was restored yet.
	RestoredBackupTime time.Time
}

// CheckStatus is the most recent result of one integrity check of one server.
type CheckStatus struct {
	Server, Check string
	OK            bool
	// LastRun is when the check last ran; zero when never.
	LastRun time.Time
}

// SourceStatus is the state of the manifests source.
type SourceStatus struct {
	// LastSync is when the source was last fetched successfully; zero when never.
	LastSync time.Time
	// Revision is the revision in force (the last good one); empty when none yet.
	Revision string
}

// ReplicaStatus is the state of one copy of a policy's sets.
type ReplicaStatus struct {
	Destination string
	// Failing is true while the last attempt to copy to it failed (it is retried after
	// its own backoff).
	Failing bool
	// LastSuccess is the time of the last successful copy; zero when never.
	LastSuccess time.Time
}
