package reconciler

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// planRunManifests: production and staging keep their sets in different folders, and
// staging is refreshed from production's newest verified set, with a safety backup first.
var planRunManifests = "\n" + simServer("aes-prod", "XE", false) + "---\n" + simServer("aes-staging", "STAGEDB", true) + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: prod-nightly}
spec:
  server: aes-prod
  schedule: "0 * * * *"
  timeZone: UTC
  destination: '@ROOT@/prod-backups'
  copies: ['@ROOT@/nas']
  retention: {keepLast: 5}
  maxAge: 2h
---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: staging-daily}
spec:
  server: aes-staging
  schedule: "0 3 * * *"
  timeZone: UTC
  destination: '@ROOT@/staging-backups'
  retention: {keepLast: 5}
  maxAge: 26h
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: prod-nightly, backup: latest}
  maxLag: 24h
`

// stepLog collects the runbooks' "step started" records with the attributes of their
// logger (operation, server, policy or restore, kind) and passes warnings on.
type stepLog struct {
	mu    *sync.Mutex
	steps *[]map[string]string
	attrs map[string]string
	next  slog.Handler
}

func (h stepLog) Enabled(ctx context.Context, l slog.Level) bool { return true }
func (h stepLog) WithGroup(string) slog.Handler                  { return h }
func (h stepLog) WithAttrs(as []slog.Attr) slog.Handler {
	m := map[string]string{}
	for k, v := range h.attrs {
		m[k] = v
	}
	for _, a := range as {
		m[a.Key] = a.Value.String()
	}
	return stepLog{mu: h.mu, steps: h.steps, attrs: m, next: h.next.WithAttrs(as)}
}

func (h stepLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "step started" {
		h.mu.Lock()
		*h.steps = append(*h.steps, h.attrs)
		h.mu.Unlock()
	}
	if r.Level >= slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	return nil
}

// ran lists the steps of the runs whose logger attributes include want, in order.
func ran(mu *sync.Mutex, steps []map[string]string, want map[string]string) []string {
	mu.Lock()
	defer mu.Unlock()
	var out []string
next:
	for _, s := range steps {
		for k, v := range want {
			if s[k] != v {
				continue next
			}
		}
		out = append(out, s["step"])
	}
	return out
}

func findAction(p planner.Plan, kind, object string) (planner.Action, bool) {
	for _, a := range p.Actions {
		if a.Kind == kind && a.Object == object {
			return a, true
		}
	}
	return planner.Action{}, false
}

// plannedSteps checks that the plan's words are the definitions' words and returns the
// planned steps.
func plannedSteps(t *testing.T, act planner.Action, planned []runbook.Planned) []runbook.Planned {
	t.Helper()
	var words []string
	for _, p := range planned {
		words = append(words, p.Words)
	}
	if !slices.Equal(act.Steps, words) {
		t.Fatalf("%s %s: the plan says\n%s\nthe runbook's definitions say\n%s", act.Kind, act.Object,
			strings.Join(act.Steps, "\n"), strings.Join(words, "\n"))
	}
	return planned
}

// checkOrder: the planned steps run, in the plan's order, and nothing runs that the
// runbook does not define.
func checkOrder[J any](t *testing.T, what string, planned []runbook.Planned, defs []runbook.Def[J], got []string) {
	t.Helper()
	var want []string
	for _, p := range planned {
		want = append(want, p.Step)
	}
	i := 0
	for _, s := range got {
		if !slices.Contains(runbook.Names(defs), s) {
			t.Errorf("%s ran step %s, which its runbook does not define", what, s)
		}
		if i < len(want) && s == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Fatalf("%s: planned steps\n%v\nran\n%v\n(the run misses or reorders %s)", what, want, got, want[i])
	}
}

// TestPlanIsWhatRuns compares, for a backup and a restore, the plan the agent shows with
// what it then does: the steps in order, the host, the folders written and read, and the
// Oracle statements, on servers that keep their sets in different folders.
func TestPlanIsWhatRuns(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	t0 := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	s := newSim(t, planRunManifests, t0)
	var mu sync.Mutex
	var steps []map[string]string
	s.a.log = slog.New(stepLog{mu: &mu, steps: &steps, attrs: map[string]string{},
		next: slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelWarn})})
	prodDest, stagingDest := filepath.Join(s.root, "prod-backups"), filepath.Join(s.root, "staging-backups")

	round := func() planner.Plan {
		p := s.a.Plan(s.clock.Now())
		s.a.schedule(s.ctx)
		s.a.wg.Wait()
		return p
	}

	// Round 1: both servers' first backups are due.
	p1 := round()
	act, ok := findAction(p1, planner.ActBackup, "policy/prod-nightly")
	if !ok || act.Server != "aes-prod" {
		t.Fatalf("no backup of prod-nightly on aes-prod planned: %+v", p1.Actions)
	}
	pol := s.a.desired.Policy("prod-nightly")
	planned := plannedSteps(t, act, backup.Plan(s.a.desired.Server("aes-prod"), pol))
	checkOrder(t, "backup of prod-nightly", planned, backup.Steps, ran(&mu, steps, map[string]string{"operation": "backup", "policy": "prod-nightly"}))
	if !strings.Contains(act.Steps[0], prodDest) || !strings.Contains(strings.Join(act.Steps, "\n"), filepath.Join(s.root, "nas")) {
		t.Errorf("the backup's plan does not name its destination %s and copy: %v", prodDest, act.Steps)
	}
	prodSets := s.a.cat.SetsIn(prodDest, "aes-prod", "prod-nightly")
	if len(prodSets) != 1 || !prodSets[0].Verified() || len(s.a.cat.SetsIn(filepath.Join(s.root, "nas"), "aes-prod", "prod-nightly")) != 1 {
		t.Fatalf("the planned backup did not publish one verified set in %s and its copy: %+v", prodDest, prodSets)
	}
	setID := prodSets[0].ID
	var prodOps []string
	for _, e := range s.hosts.Host("aes-prod").Events() {
		prodOps = append(prodOps, e.Op)
		if e.Path != "" && !strings.HasPrefix(e.Path, filepath.Join(prodDest, "aes-prod")) {
			t.Errorf("backup of aes-prod wrote %s, outside the planned %s", e.Path, prodDest)
		}
	}
	if strings.Join(prodOps, ",") != "stop-iis,avbackup,export,start-iis" {
		t.Errorf("aes-prod was asked %v, want the planned stop IIS, avbackup, export, start IIS", prodOps)
	}

	// Round 2: the restore of that set into staging.
	stagingBefore := len(s.hosts.Host("aes-staging").Events())
	p2 := round()
	act, ok = findAction(p2, planner.ActRestore, "restore/staging-refresh")
	if !ok || act.Server != "aes-staging" || !act.Destructive || !slices.Equal(act.Sets, []string{setID}) {
		t.Fatalf("no destructive restore of set %s on aes-staging planned: %+v", setID, p2.Actions)
	}
	planned = plannedSteps(t, act, restore.Plan(s.a.all, s.a.desired.Restore("staging-refresh"), setID))
	got := ran(&mu, steps, map[string]string{"operation": "restore", "restore": "staging-refresh"})
	ordered := planned
	if rt := s.store.Snapshot().Restores["staging-refresh"]; rt != nil && rt.FailedStep == "verify-restore" {
		// The fake hosts fail the integrity checks by design: the run fails at verify-restore
		// and never records the restore as completed, so the target's record holds it.
		ordered = slices.DeleteFunc(slices.Clone(planned), func(p runbook.Planned) bool { return p.Step == "record-complete" })
		if p := s.a.Plan(s.clock.Now()); !slices.ContainsFunc(p.Blocked, func(w planner.Waiting) bool {
			return w.Object == "restore/staging-refresh" && strings.Contains(w.Reason, "never completed")
		}) {
			t.Errorf("a restore that failed at verify-restore is not held by the target's record: %+v", p.Blocked)
		}
	}
	checkOrder(t, "restore staging-refresh", ordered, restore.Steps, got)
	if !slices.Equal(got[:4], []string{"verify-set", "preflight", "stop-iis", "safety-backup"}) {
		t.Errorf("restore began with %v, want verify-set, preflight, stop-iis, then the safety backup inside that outage", got[:4])
	}
	// Whatever the run's result, it got to the end: its last step is start-iis.
	if got[len(got)-1] != "start-iis" {
		t.Errorf("restore ended with step %s, want start-iis", got[len(got)-1])
	}

	words := map[string]string{}
	for _, p := range planned {
		words[p.Step] = p.Words
	}
	// The safety backup: planned into the target's own destination, and made there.
	if !strings.Contains(words["safety-backup"], stagingDest) || strings.Contains(words["safety-backup"], prodDest) {
		t.Errorf("plan: %q, want the target's destination %s", words["safety-backup"], stagingDest)
	}
	var safety []catalog.Set
	for _, set := range s.a.cat.SetsIn(stagingDest, "aes-staging", "staging-daily") {
		if set.Meta.Kind == catalog.KindSafety && set.Meta.Restore == "staging-refresh" {
			safety = append(safety, set)
		}
	}
	if len(safety) != 1 {
		t.Errorf("want one safety set of staging-refresh in %s, found %d", stagingDest, len(safety))
	} else if rt := s.store.Snapshot().Restores["staging-refresh"]; rt != nil && rt.FailedStep == "verify-restore" {
		// A restore that failed after it began overwriting names the safety set and the
		// Restore that rolls back to it (issue 14 point 8).
		cond, _ := s.store.Snapshot().Objects[manifests.KindRestore+"/staging-refresh"].Condition(state.Stalled)
		want := manifests.RollbackRestore(s.a.desired.Restore("staging-refresh"), "staging-daily", safety[0].ID)
		if !strings.Contains(cond.Message, "roll back to safety set "+safety[0].ID) || !strings.Contains(cond.Message, want) {
			t.Errorf("Stalled condition does not name the rollback:\n%s\nwant it to hold:\n%s", cond.Message, want)
		}
	}
	if n := len(s.a.cat.SetsIn(prodDest, "aes-staging", "staging-daily")); n != 0 {
		t.Errorf("%d staging set(s) in production's destination %s", n, prodDest)
	}
	// The restore's own calls: on aes-staging, from the planned set's folder, with the
	// planned statements, in the planned order.
	setDir := filepath.Join(prodDest, "aes-prod", setID)
	want := []struct{ op, arg, word string }{
		{"stop-iis", "", "stop IIS on aes-staging"},
		{"avbackup-restore", filepath.Join(setDir, catalog.FileZip), "avbackup restore of " + setID + " into " + filepath.Join(s.root, "hosts", "aes-staging")},
		{"drop-user", "AESUSER313", "DROP USER AESUSER313 CASCADE on STAGEDB"},
		{"create-user", "AESUSER313", "CREATE USER AESUSER313"},
		{"grant-dba", "AESUSER313", "GRANT DBA TO AESUSER313"},
		{"import", filepath.Join(setDir, catalog.FileDump) + " AESUSER313>AESUSER313", "imp fromuser=AESUSER313 touser=AESUSER313"},
		{"revoke-dba", "AESUSER313", "REVOKE DBA FROM AESUSER313"},
		{"start-iis", "", "start IIS"},
	}
	var restoreEvents []hostEvent
	for _, e := range s.hosts.Host("aes-staging").Events()[stagingBefore:] {
		// The safety backup's own calls write into the staging destination.
		if e.Op == "avbackup" || e.Op == "export" {
			if !strings.HasPrefix(e.Path, filepath.Join(stagingDest, "aes-staging")) {
				t.Errorf("safety backup wrote %s, outside %s", e.Path, stagingDest)
			}
			continue
		}
		restoreEvents = append(restoreEvents, e)
	}
	// The safety backup runs inside the restore's outage: one stop, one start (#18).
	if len(restoreEvents) != len(want) {
		t.Fatalf("aes-staging was asked %+v, want %d calls", restoreEvents, len(want))
	}
	plan := strings.Join(act.Steps, "\n")
	for i, w := range want {
		e := restoreEvents[i]
		if e.Op != w.op || e.Path != w.arg {
			t.Errorf("call %d: %s %q, want %s %q", i, e.Op, e.Path, w.op, w.arg)
		}
		if !strings.Contains(plan, w.word) {
			t.Errorf("the plan does not say %q before call %s:\n%s", w.word, w.op, plan)
		}
	}
	if s.hosts.Host("aes-prod").IISDown() || s.hosts.Host("aes-staging").IISDown() {
		t.Error("IIS left stopped")
	}
	s.catalogMatchesDisk()
}
