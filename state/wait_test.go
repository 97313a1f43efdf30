package state

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWaitingRunReadsNothingFailed: a run that waited (for its window) goes into the history
// as waiting with its note; no field of the record, nor its journal's step, reads failed.
func TestWaitingRunReadsNothingFailed(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.BeginRun("backup", "policy/a", "srv", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := j.StepStarted("stop-iis"); err != nil {
		t.Fatal(err)
	}
	if err := j.StepWaited("stop-iis", "the maintenance window is closed"); err != nil {
		t.Fatal(err)
	}
	if st := j.Run().Steps[0].State; st != StepWaiting {
		t.Errorf("step state %q, want %q", st, StepWaiting)
	}
	if err := j.Wait("the maintenance window is closed"); err != nil {
		t.Fatal(err)
	}
	h := s.Snapshot().History
	if len(h) != 1 || h[0].Result != RunWaiting || h[0].Note != "the maintenance window is closed" || h[0].FailedStep != "" || h[0].Error != "" {
		t.Fatalf("history %+v", h)
	}
	b, _ := json.Marshal(h[0])
	if strings.Contains(string(b), "fail") {
		t.Errorf("the record reads failed: %s", b)
	}
	if runs, _ := s.UnfinishedRuns(); len(runs) != 0 {
		t.Errorf("the waiting run is still unfinished: %d", len(runs))
	}
}
