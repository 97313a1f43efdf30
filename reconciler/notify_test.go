package reconciler

import (
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify/notifytest"
)

// TestNotifyOutcomes: the outcome recorder feeds the notifiers: every failed backup run is
// posted with its failed step; a stale policy is posted once per stale episode (not at every
// loop), again after a fresh set ended the episode; a failing check once, not at every run.
func TestNotifyOutcomes(t *testing.T) {
	rcv := notifytest.NewReceiver(t, "")
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 5, 10, 5, 0, 0, zurich)
	s := newSim(t, simManifests+`
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: ops}
spec:
  type: webhook
  url: `+rcv.URL+`
  events: [backupFailed, backupStale, checkFailed]
`, t0)
	s.a.started = t0 // what Run sets
	h := s.hosts.Host("aes-prod")
	h.FailExport = 1000

	for _, d := range []time.Duration{0, time.Hour, 2 * time.Hour, 150 * time.Minute, 165 * time.Minute} {
		s.step(t0.Add(d))
	}
	h.FailExport = 0
	s.step(t0.Add(3 * time.Hour))     // succeeds: the episode ends at the next loop
	s.step(t0.Add(190 * time.Minute)) // fresh
	h.FailExport = 1000
	// 25 h: the daily integrity checks run (and fail) again.
	for _, d := range []time.Duration{4 * time.Hour, 5 * time.Hour, 320 * time.Minute, 330 * time.Minute, 25 * time.Hour} {
		s.step(t0.Add(d))
	}
	s.a.notifier.Close(notify.DefaultDrain)

	var failed, stale []map[string]string
	checks := map[string]int{}
	for _, r := range rcv.Requests() {
		p := r.Payload
		switch {
		case p["event"] == "backupFailed" && p["policy"] == "prod-hourly":
			failed = append(failed, p)
		case p["event"] == "backupStale" && p["policy"] == "prod-hourly":
			stale = append(stale, p)
		case p["event"] == "checkFailed":
			checks[p["server"]+"/"+p["check"]]++
		}
	}
	if len(failed) < 5 {
		t.Errorf("%d backupFailed posts, want one per failed run (at least 5)", len(failed))
	}
	for _, p := range failed {
		if p["server"] != "aes-prod" || p["agent"] != "sim" || !strings.Contains(p["message"], "export") {
			t.Errorf("backupFailed payload %v: want server aes-prod, agent sim and the failed step", p)
			break
		}
	}
	if len(stale) != 2 {
		t.Fatalf("%d backupStale posts, want 2 (one per stale episode): %v", len(stale), stale)
	}
	if !strings.Contains(stale[0]["message"], "no complete backup set") || !strings.Contains(stale[1]["message"], "older than maxAge 2h") {
		t.Errorf("stale messages: %q, %q", stale[0]["message"], stale[1]["message"])
	}
	if len(checks) == 0 {
		t.Error("no checkFailed post, although the fake hosts fail the integrity checks")
	}
	for _, c := range s.store.Snapshot().Checks {
		if c.Time.Before(t0.Add(24 * time.Hour)) {
			t.Errorf("check %s/%s last ran at %s: the test wants it run a second time", c.Server, c.Check, c.Time)
		}
	}
	for k, n := range checks {
		if n != 1 {
			t.Errorf("check %s posted %d times, want once while it keeps failing", k, n)
		}
	}
}
