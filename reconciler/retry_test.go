package reconciler

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// backupRuns is vaultkeeper_backup_runs_total of a policy and result.
func backupRuns(t *testing.T, a *Agent, policy, result string) float64 {
	t.Helper()
	mfs, err := a.Metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "vaultkeeper_backup_runs_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			if got["policy"] == policy && got["result"] == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestFailedStepRetriesAfterBackoff: a tool failing once fails the run with IIS started
// again and nothing published; no new attempt before RetryAt; the attempt after it succeeds.
func TestFailedStepRetriesAfterBackoff(t *testing.T) {
	// Not parallel: it counts the process's goroutines and file descriptors before and after,
	// which other tests running at the same time would change.
	for _, tc := range []struct {
		step string
		fail func(h *fakeHost)
		ops  []string // what the failed run did
	}{
		{"export", func(h *fakeHost) { h.FailExport = 1 }, []string{"stop-iis", "avbackup", "export", "start-iis"}},
		{"avbackup", func(h *fakeHost) { h.FailAvbackup = 1 }, []string{"stop-iis", "avbackup", "start-iis"}},
	} {
		t.Run(tc.step, func(t *testing.T) {
			goroutines, fds := runtime.NumGoroutine(), openFDs()
			zurich, _ := time.LoadLocation("Europe/Zurich")
			t0 := time.Date(2026, 10, 5, 10, 5, 0, 0, zurich)
			s := newSim(t, simManifests, t0)
			h := s.hosts.Host("aes-prod")
			tc.fail(h)

			s.step(t0)
			ev := h.Events()
			if len(ev) != len(tc.ops) {
				t.Fatalf("failed run did %+v, want %v", ev, tc.ops)
			}
			for i, op := range tc.ops {
				if ev[i].Op != op || (ev[i].Err != nil) != (op == tc.step) {
					t.Fatalf("event %d: %s err=%v, want %s (failing: %s)", i, ev[i].Op, ev[i].Err, op, tc.step)
				}
			}
			if h.IISDown() || h.OpenConns() != 0 {
				t.Fatalf("after the failure: IIS down %v, %d Oracle connections open", h.IISDown(), h.OpenConns())
			}
			dir := filepath.Join(s.root, "backups", "aes-prod")
			if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
				t.Fatalf("after the failure %s holds %v (%v), want nothing", dir, ents, err)
			}
			st := s.store.Snapshot()
			p := st.Policies["prod-hourly"]
			retryAt := t0.Add(outcome.DefaultBackoff.Delay(1))
			if p == nil || p.LastResult != "failure" || p.Failures != 1 || !p.RetryAt.Equal(retryAt) ||
				!strings.Contains(p.LastError, "step "+tc.step) || !p.LastSuccess.IsZero() || p.LastSet != "" {
				t.Fatalf("policy status after the failure: %+v, want a failure at step %s retried at %s", p, tc.step, retryAt)
			}
			if c, ok := st.Object("BackupPolicy", "prod-hourly").Condition(state.Ready); !ok || c.Status != "False" {
				t.Errorf("Ready condition after the failure: %+v", c)
			}
			if got := backupRuns(t, s.a, "prod-hourly", "failure"); got != 1 {
				t.Errorf("backup_runs_total{result=failure} = %v, want 1", got)
			}
			if runs, _ := s.store.UnfinishedRuns(); len(runs) != 0 {
				t.Errorf("%d journals left open", len(runs))
			}

			// Before RetryAt the planner waits, and nothing runs.
			early := retryAt.Add(-time.Second)
			plan := s.a.Plan(early)
			waiting := false
			for _, w := range plan.Waiting {
				if w.Object == "policy/prod-hourly" && w.Kind == planner.ActBackup {
					waiting = w.At.Equal(retryAt)
				}
			}
			for _, act := range plan.Actions {
				if act.Object == "policy/prod-hourly" && act.Kind == planner.ActBackup {
					t.Fatalf("backup due at %s, before RetryAt %s", early, retryAt)
				}
			}
			if !waiting {
				t.Errorf("plan at %s does not wait for the retry at %s: %+v", early, retryAt, plan.Waiting)
			}
			s.step(early)
			if n := len(h.Events()); n != len(tc.ops) {
				t.Fatalf("a run started before RetryAt: %+v", h.Events()[len(tc.ops):])
			}

			// At RetryAt the same fire time is retried, and succeeds.
			s.step(retryAt)
			runs := runsOf(t, h.Name, h.Events()[len(tc.ops):])
			if len(runs) != 1 || !runs[0].Stop.Equal(retryAt) {
				t.Fatalf("retry runs %+v, want one at %s", runs, retryAt)
			}
			cat, problems, err := catalog.Scan(context.Background(), []catalog.Root{{Policy: "prod-hourly", Destination: filepath.Join(s.root, "backups")}})
			if err != nil || len(problems) != 0 {
				t.Fatalf("scan: %v %v", problems, err)
			}
			sets := cat.SetsIn(filepath.Join(s.root, "backups"), "aes-prod", "prod-hourly")
			if len(sets) != 1 || sets[0].ID != catalog.SetID(retryAt) || !sets[0].Verified() {
				t.Fatalf("sets after the retry: %+v, want %s verified", sets, catalog.SetID(retryAt))
			}
			p = s.store.Snapshot().Policies["prod-hourly"]
			if p.LastResult != "success" || p.Failures != 0 || !p.RetryAt.IsZero() || p.LastSet != sets[0].ID {
				t.Errorf("policy status after the retry: %+v", p)
			}
			if got := backupRuns(t, s.a, "prod-hourly", "success"); got != 1 {
				t.Errorf("backup_runs_total{result=success} = %v, want 1", got)
			}

			// The retry served the 10:00 fire time: the next run is at 11:00's, not before.
			for at := t0.Add(15 * time.Minute); !at.After(t0.Add(time.Hour)); at = at.Add(15 * time.Minute) {
				s.step(at)
			}
			if runs := runsOf(t, h.Name, h.Events()[len(tc.ops):]); len(runs) != 2 || !runs[1].Stop.Equal(t0.Add(time.Hour)) {
				t.Errorf("runs after the retry: %+v, want the next at %s", runs, t0.Add(time.Hour))
			}

			// The only thing the agent complained about is the injected failure.
			var problemsLogged []string
			for _, l := range s.problems() {
				failedAction := strings.Contains(l, `msg="backup failed"`) && strings.Contains(l, "step="+tc.step+" ")
				failedStep := strings.Contains(l, `msg="step failed"`) && strings.Contains(l, "step="+tc.step+" ")
				if !failedAction && !failedStep {
					problemsLogged = append(problemsLogged, l)
				}
			}
			if len(problemsLogged) != 0 {
				t.Errorf("agent logged:\n%s", strings.Join(problemsLogged, "\n"))
			}
			s = nil
			checkNoLeaks(t, goroutines, fds)
		})
	}
}
