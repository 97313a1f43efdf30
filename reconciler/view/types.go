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
