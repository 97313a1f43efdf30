package manifests

import (
	"errors"
	"sync"
	"time"
)

var zoneCache sync.Map // zone name → *time.Location

// loadLocation is time.LoadLocation with a cache, and without "Local": a manifest must not
// mean different times on different hosts.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "Local" {
		return nil, errLocalZone
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, l)
	return l, nil
}

var errLocalZone = errors.New(`"Local" depends on the host; name an IANA zone such as Europe/Zurich`)

// Location is the policy's time zone; UTC when TimeZone is empty (or, on a policy that did
// not pass validation, unknown).
func (p *BackupPolicySpec) Location() *time.Location {
	l, err := loadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	return l
}

// WindowBounds returns the maintenance window as its start after local midnight (in
// Location) and its length. ok is false when the policy has no window (any time is allowed)
// or the window is invalid.
func (p *BackupPolicySpec) WindowBounds() (start, length time.Duration, ok bool) {
	if p.Window == nil {
		return 0, 0, false
	}
	start, err := parseClock(p.Window.Start)
	if err != nil {
		return 0, 0, false
	}
	length, err = ParseDuration(p.Window.Duration)
	if err != nil || length <= 0 || length > 24*time.Hour {
		return 0, 0, false
	}
	return start, length, true
}

// parseClock parses "HH:MM" (24-hour clock) into the time after midnight.
func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, errClock
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

var errClock = errors.New(`must be "HH:MM" on a 24-hour clock, e.g. "01:30"`)
