package view

import (
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// ServerView is one server.
type ServerView struct {
	Name         string            `json:"name"`
	Product      string            `json:"product"`
	AllowRestore bool              `json:"allowRestore"`
	ChecksOK     int               `json:"checksOK"`
	ChecksFailed int               `json:"checksFailed"`
	Conditions   []state.Condition `json:"conditions,omitempty"`
}

// PolicyView is one backup policy.
type PolicyView struct {
	Name         string            `json:"name"`
	Server       string            `json:"server"`
	Schedule     string            `json:"schedule"`
	LastSuccess  time.Time         `json:"lastSuccess"`
	LastAttempt  time.Time         `json:"lastAttempt"`
	LastResult   string            `json:"lastResult"`
	LastError    string            `json:"lastError,omitempty"`
	MaxAge       string            `json:"maxAge"`
	Stale        bool              `json:"stale"`
	SetsVerified int               `json:"setsVerified"`
	Suspended    bool              `json:"suspended"`
	Running      bool              `json:"running"`
	Next         time.Time         `json:"next,omitempty"`
	Conditions   []state.Condition `json:"conditions,omitempty"`
	// Downtime is the order the next run uses (spec.downtime: vendor or minimal), and
	// DowntimeFallback why it is vendor although the spec asks for minimal.
	Downtime         string `json:"downtime,omitempty"`
	DowntimeFallback string `json:"downtimeFallback,omitempty"`
	// Replicas are the policy's copies (spec.copies) and their state.
	Replicas []ReplicaView `json:"replicas,omitempty"`
}

// ReplicaView is one copy of a policy's sets.
type ReplicaView struct {
	Destination string `json:"destination"`
	// State is ok, failing, or unknown (never tried since the state dir began).
	State       string    `json:"state"`
	Failures    int       `json:"consecutiveFailures,omitempty"`
	LastError   string    `json:"lastError,omitempty"`
	LastSuccess time.Time `json:"lastSuccess,omitempty"`
	RetryAt     time.Time `json:"retryAt,omitempty"`
}

// Replicas builds the view of pol's copies from its runtime rt (nil: never run).
func Replicas(copies []string, rt *state.Policy) []ReplicaView {
	var out []ReplicaView
	for _, c := range copies {
		v := ReplicaView{Destination: c, State: "unknown"}
		if rt != nil && rt.Replicas[c] != nil {
			r := rt.Replicas[c]
			v.State, v.Failures, v.LastError, v.LastSuccess, v.RetryAt = "ok", r.Failures, r.LastError, r.LastSuccess, r.RetryAt
			if r.Failing() {
				v.State = "failing"
			}
		}
		out = append(out, v)
	}
	return out
}

// BackupView is one backup set.
type BackupView struct {
	Policy      string    `json:"policy"`
	Server      string    `json:"server"`
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Kind        string    `json:"kind"`
	Verified    bool      `json:"verified"`
	Complete    bool      `json:"complete"`
	SizeBytes   int64     `json:"sizeBytes"`
	Destination string    `json:"destination"`
	Replica     bool      `json:"replica"`
	Dir         string    `json:"dir"`
	// Future: dated more than an hour ahead, ignored (issue 14). Signature is the verdict on
	// the record's signature: trusted, unsigned, forged or unverifiable.
	Future    bool   `json:"future,omitempty"`
	Signature string `json:"signature,omitempty"`
	// Orphaned says why no policy of the revision in force owns the set any more (its
	// policy was deleted, or its destination changed); "" for a set that is owned. An
	// orphaned set is reported, never deleted (issue 16).
	Orphaned string `json:"orphaned,omitempty"`
}

// RestoreView is one Restore.
type RestoreView struct {
	Name        string            `json:"name"`
	Server      string            `json:"server"`
	Source      string            `json:"source"`
	RestoredSet string            `json:"restoredSet,omitempty"`
	LastSuccess time.Time         `json:"lastSuccess"`
	LastResult  string            `json:"lastResult,omitempty"`
	LastError   string            `json:"lastError,omitempty"`
	Conditions  []state.Condition `json:"conditions,omitempty"`
}

// RunView is one finished run of the history (GET /api/v1/runs, `vaultkeeper get runs`,
// the status page), oldest first, with the timings of its steps (kept for each object's
// newest state.StepsPerObject runs; older runs have none).
type RunView struct {
	ID              string     `json:"id"`
	Kind            string     `json:"kind"`   // backup, verify, retention, restore
	Object          string     `json:"object"` // policy/NAME or restore/NAME
	Server          string     `json:"server"`
	Started         time.Time  `json:"started"`
	Finished        time.Time  `json:"finished"`
	DurationSeconds float64    `json:"durationSeconds"`
	Result          string     `json:"result"`
	FailedStep      string     `json:"failedStep,omitempty"`
	Error           string     `json:"error,omitempty"`
	Set             string     `json:"set,omitempty"`
	SizeBytes       int64      `json:"sizeBytes,omitempty"`
	Steps           []StepView `json:"steps"`
}

// StepView is one step of a run with its duration; a step the agent died in is "started"
// and has no duration.
type StepView struct {
	Name            string  `json:"name"`
	State           string  `json:"state"` // done, failed, skipped, started
	DurationSeconds float64 `json:"durationSeconds"`
	Error           string  `json:"error,omitempty"`
}

// SourceView is the manifests source (GET /api/v1/source, `vaultkeeper get source`): the
// status fields of state.Source (lastAppliedRevision, lastAttemptedRevision, errors, …) plus
// the revision in force and whether the last one fetched was rejected.
type SourceView struct {
	state.Source
	// Revision is the revision in force ("" before the first valid one).
	Revision string `json:"revision"`
	// Rejected is true while the newest revision fetched is invalid: Errors lists why, one
	// line per error, and Revision stays the last good one.
	Rejected bool `json:"rejected"`
}
