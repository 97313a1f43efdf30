package reconciler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPreflightStallHeldUntilFixed: a missing destination root stalls the policies at their
// preflight with nothing run on the host; the loop does not try again by itself (no storm
// of failed runs, no retry time); once the root exists (a file the preflight read changed)
// the next round runs the backup.
func TestPreflightStallHeldUntilFixed(t *testing.T) {
	t.Parallel()
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 5, 2, 35, 0, 0, zurich)
	s := newSim(t, simManifests, t0)
	dest := filepath.Join(s.root, "backups")
	if err := os.RemoveAll(dest); err != nil {
		t.Fatal(err)
	}
	s.step(t0)
	for _, name := range []string{"prod-hourly", "dev-daily"} {
		p := s.store.Snapshot().Policies[name]
		if p == nil || p.Stalled == "" || !strings.Contains(p.LastError, "spec.destination") || !p.RetryAt.IsZero() {
			t.Fatalf("%s: %+v, want stalled naming spec.destination, with no retry time", name, p)
		}
	}
	if ev := s.hosts.Host("aes-prod").Events(); len(ev) != 0 {
		t.Fatalf("the host was asked to %v although the preflight failed", ev)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Fatalf("the destination root was created: %v", err)
	}
	// An hour later, with prod-hourly due again: still held, nothing tried.
	s.step(t0.Add(time.Hour))
	if p := s.store.Snapshot().Policies["prod-hourly"]; p.Failures != 1 {
		t.Fatalf("the stalled policy was tried again: %d failures", p.Failures)
	}
	// The admin mounts the destination: the next round runs the backup.
	if err := os.Mkdir(dest, 0o750); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(time.Hour + time.Minute))
	if p := s.store.Snapshot().Policies["prod-hourly"]; p.LastResult != "success" || p.Stalled != "" {
		t.Fatalf("after the fix: %+v, want a successful backup", p)
	}
}
