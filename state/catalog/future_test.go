package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestSplitFuture(t *testing.T) {
	now := time.Date(2026, 11, 21, 7, 0, 0, 0, time.UTC)
	set := func(id string, finishedAfter time.Duration) Set {
		m := testMeta("aes-prod", "nightly", id)
		m.Finished = m.Started.Add(finishedAfter)
		return Set{ID: id, Time: m.Started, Server: "aes-prod", Policy: "nightly", Destination: "/backups", Meta: m}
	}
	sets := []Set{
		set("20261120T020000Z", time.Minute),
		set("20261121T075900Z", time.Minute),    // 59 min ahead: clock skew, trusted
		set("20261121T080000Z", 0),              // exactly one hour: trusted
		set("20261121T080001Z", 0),              // one second more: future
		set("20261121T070000Z", 2*time.Hour),    // started now, finished 2 h ahead: future
		set("20311121T020000Z", 10*time.Minute), // years ahead
	}
	kept, future := SplitFuture(sets, now)
	var keptIDs, futureIDs []string
	for _, s := range kept {
		keptIDs = append(keptIDs, s.ID)
	}
	for _, f := range future {
		futureIDs = append(futureIDs, f.Set.ID)
		if !strings.Contains(f.Reason, f.Set.ID) || !strings.Contains(f.Reason, "/backups") || !strings.Contains(f.Reason, "after now") {
			t.Errorf("reason %q does not name the set, its destination and why", f.Reason)
		}
	}
	if got, want := strings.Join(keptIDs, " "), "20261120T020000Z 20261121T075900Z 20261121T080000Z"; got != want {
		t.Errorf("kept = %s, want %s", got, want)
	}
	if got, want := strings.Join(futureIDs, " "), "20261121T080001Z 20261121T070000Z 20311121T020000Z"; got != want {
		t.Errorf("future = %s, want %s", got, want)
	}
	if k, f := SplitFuture(nil, now); k != nil || f != nil {
		t.Errorf("SplitFuture(nil) = %v, %v", k, f)
	}
}
