package runbook

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// waitJournal also records waiting steps (as state.Journal does).
type waitJournal struct{ memJournal }

func (j *waitJournal) StepWaited(step, note string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, "wait "+step)
	return nil
}

// TestStepOutcomesInLogsAndDetails: a step that waits for its window is journaled and logged
// as waiting at INFO (issue 16: not "step failed", not a failed step), a failure at ERROR;
// the run's log file (Details) marks every step's start and end between the tools' lines.
func TestStepOutcomesInLogsAndDetails(t *testing.T) {
	wait := outcome.Waiting("OutsideWindow", time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC), errors.New("the maintenance window is closed"))
	cases := []struct {
		name       string
		err        error
		wantEvent  string
		wantLog    string
		wantLevel  string
		wantFailed string
		wantDetail string
	}{
		{name: "done", wantEvent: "done work", wantLog: `msg="step done"`, wantLevel: "INFO", wantDetail: "vaultkeeper: step work done in"},
		{name: "waiting", err: wait, wantEvent: "wait work", wantLog: `msg="step waiting"`, wantLevel: "INFO", wantDetail: "vaultkeeper: step work waiting after"},
		{name: "failed", err: errors.New("ORA-01017: invalid username/password"), wantEvent: "fail work", wantLog: `msg="step failed"`, wantLevel: "ERROR",
			wantFailed: "work", wantDetail: "vaultkeeper: step work failed after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs, details bytes.Buffer
			j := &waitJournal{}
			rb := &Runbook{Operation: "backup", Log: slog.New(slog.NewTextHandler(&logs, nil)), Journal: j, Details: &details}
			err := rb.Run(context.Background(), []Step{{Name: "work", Do: func(context.Context) error { return tc.err }}})
			if !errors.Is(err, tc.err) {
				t.Fatalf("Run = %v, want %v", err, tc.err)
			}
			if got := strings.Join(j.events, ","); got != "start work,"+tc.wantEvent {
				t.Errorf("journal = %s, want start work,%s", got, tc.wantEvent)
			}
			if rb.FailedStep() != tc.wantFailed {
				t.Errorf("FailedStep = %q, want %q", rb.FailedStep(), tc.wantFailed)
			}
			var end string
			for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				if !strings.Contains(l, `msg="step started"`) {
					end = l
				}
			}
			if !strings.Contains(end, tc.wantLog) || !strings.Contains(end, "level="+tc.wantLevel) || !strings.Contains(end, "operation=backup step=work") {
				t.Errorf("end line %q, want %s at %s with operation= and step=", end, tc.wantLog, tc.wantLevel)
			}
			d := strings.Split(strings.TrimSpace(details.String()), "\n")
			if len(d) != 2 || d[0] != "vaultkeeper: step work started" || !strings.HasPrefix(d[1], tc.wantDetail) {
				t.Errorf("details = %q", details.String())
			}
		})
	}
}
