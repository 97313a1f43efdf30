package reconciler

import (
	"testing"
	"time"
)

// TestClockJumps: the clock jumps back two hours after a run, then forward again, then a
// day ahead. No run is repeated while the clock is behind the last one, nothing fails, no set
// is removed for being "in the future", and each jump forward gives at most one catch-up run.
func TestClockJumps(t *testing.T) {
	t.Parallel() // the clock is each agent's own (Options.Now, Store.Now)
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 5, 10, 5, 0, 0, zurich)
	s := newSim(t, simManifests, t0)
	h := s.hosts.Host("aes-prod")
	stops := func() int {
		n := 0
		for _, e := range h.Events() {
			if e.Op == "stop-iis" {
				n++
			}
		}
		return n
	}
	s.step(t0)
	if stops() != 1 {
		t.Fatalf("first run: %d IIS stops, want 1", stops())
	}
	for _, c := range []struct {
		name  string
		at    time.Time
		stops int // total so far
	}{
		{"back two hours: nothing repeats", t0.Add(-2 * time.Hour), 1},
		{"back, a fire time passes again: still nothing", t0.Add(-time.Hour + time.Minute), 1},
		{"forward past the next fire time: one run", t0.Add(time.Hour), 2},
		{"a day ahead: one catch-up run, not 24", t0.Add(25 * time.Hour), 3},
	} {
		s.step(c.at)
		if got := stops(); got != c.stops {
			t.Fatalf("%s: %d IIS stops in all, want %d", c.name, got, c.stops)
		}
		if p := s.problems(); len(p) > 0 {
			t.Fatalf("%s: the agent logged %v", c.name, p)
		}
		if h.IISDown() {
			t.Fatalf("%s: IIS left down", c.name)
		}
	}
	sets := s.a.cat.SetsIn(s.a.desired.Policy("prod-hourly").Spec.Destination, "aes-prod", "prod-hourly")
	if len(sets) != 3 {
		t.Fatalf("%d sets kept, want the 3 that were made", len(sets))
	}
}
