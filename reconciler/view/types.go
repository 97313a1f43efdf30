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
