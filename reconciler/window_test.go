package reconciler

import (
	"testing"
	"time"
)

// TestRequestedRunWaitsForTheWindow: `vaultkeeper reconcile policy/dev-daily` at noon does
// not stop IIS outside the 01:00-05:00 window; the run waits and happens when it opens.
func TestRequestedRunWaitsForTheWindow(t *testing.T) {
	t.Parallel() // the clock is each agent's own (Options.Now, Store.Now)
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich) // inside the window: the first runs happen
	s := newSim(t, simManifests, t0)
	dev := s.hosts.Host("aes-dev")
	s.step(t0)
	stops := func() int {
		n := 0
		for _, e := range dev.Events() {
			if e.Op == "stop-iis" {
				n++
			}
		}
		return n
	}
	before := stops()
	noon := time.Date(2026, 10, 6, 12, 0, 0, 0, zurich)
	if err := s.a.Request("policy/dev-daily"); err != nil {
		t.Fatal(err)
	}
	s.step(noon)
	if stops() != before {
		t.Fatalf("IIS of aes-dev was stopped at noon, outside its window")
	}
	p := s.store.Snapshot().Policies["dev-daily"]
	if want := time.Date(2026, 10, 7, 1, 0, 0, 0, zurich); !p.WaitUntil.Equal(want) || !p.Requested {
		t.Fatalf("the requested run waits until %s (kept: %v), want the next window at %s", p.WaitUntil, p.Requested, want)
	}
	if p.Failures != 0 || p.LastAttempt.After(p.LastSuccess) || backupRuns(t, s.a, "dev-daily", "failure") != 0 {
		t.Fatalf("waiting for the window counted as a failure: %+v", p)
	}
	s.step(time.Date(2026, 10, 7, 1, 0, 0, 0, zurich))
	if stops() != before+1 {
		t.Fatalf("the requested run did not happen when the window opened (%d stops)", stops()-before)
	}
	if dev.IISDown() {
		t.Fatal("IIS left down")
	}
	if p := s.store.Snapshot().Policies["dev-daily"]; p.Requested || !p.WaitUntil.IsZero() || p.LastResult != "success" {
		t.Fatalf("after the requested run: %+v", p)
	}
}
