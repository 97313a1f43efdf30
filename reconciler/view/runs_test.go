package view

import (
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

func TestRuns(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	history := []state.RunSummary{
		{ID: "1", Kind: "backup", Object: "policy/p", Started: t0, Finished: t0.Add(90 * time.Second), Result: state.RunSucceeded, Set: "20261121T020000Z", SizeBytes: 42,
			Steps: []state.StepTiming{{Name: "stop-iis", State: state.StepDone, Seconds: 2}, {Name: "avbackup", State: state.StepStarted}}},
		{ID: "2", Kind: "restore", Object: "restore/r", Started: t0, Finished: t0.Add(time.Minute), Result: state.RunFailed, FailedStep: "imp", Error: "imp: IMP-00003"},
	}
	for _, c := range []struct {
		object string
		ids    []string
	}{{"", []string{"1", "2"}}, {"policy/p", []string{"1"}}, {"restore/r", []string{"2"}}, {"policy/none", nil}} {
		got := Runs(history, c.object)
		if len(got) != len(c.ids) {
			t.Fatalf("Runs(%q) = %d runs, want %v", c.object, len(got), c.ids)
		}
		for i, id := range c.ids {
			if got[i].ID != id {
				t.Errorf("Runs(%q)[%d] = %s, want %s", c.object, i, got[i].ID, id)
			}
		}
	}
	r := Runs(history, "policy/p")[0]
	if r.DurationSeconds != 90 || r.SizeBytes != 42 || len(r.Steps) != 2 || r.Steps[0].DurationSeconds != 2 {
		t.Errorf("run %+v: want 90 s, 42 bytes and stop-iis taking 2 s", r)
	}
	if s := r.Steps[1]; s.DurationSeconds != 0 || s.State != state.StepStarted {
		t.Errorf("unfinished step %+v: want no duration", s)
	}
	if f := Runs(history, "restore/r")[0]; f.FailedStep != "imp" || f.Error == "" || f.Steps == nil {
		t.Errorf("failed run %+v: want the failed step, its error and an empty (not null) step list", f)
	}
}
