package reconciler

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// TestCrashAtEveryStep is the crash matrix derived from the runbooks' definitions: for
// every step of backup.Steps and restore.Steps, an agent that died while the step ran
// leaves its journal behind; the next agent must discharge exactly the recovery
// obligations the definitions say the run had reached (IIS started, DBA revoked, the
// .partial folder removed), and record the run failed at that step (a backup retried
// after backoff, a restore held until a person acts). The e2e crash matrix does the same
// against the real tools, killing the agent's process.
func TestCrashAtEveryStep(t *testing.T) {
	type crash struct {
		op, step string
		done     []string // the steps finished before it
	}
	var cases []crash
	for i, name := range runbook.Names(backup.Steps) {
		cases = append(cases, crash{"backup", name, runbook.Names(backup.Steps)[:i]})
	}
	for i, name := range runbook.Names(restore.Steps) {
		cases = append(cases, crash{"restore", name, runbook.Names(restore.Steps)[:i]})
	}
	for _, c := range cases {
		t.Run(c.op+"/"+c.step, func(t *testing.T) {
			t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
			// The journal carries an IIS start argv planted in the state dir, one that leaves a
			// mark: recovery must start IIS through the manifest in force (the fake host's
			// IIS), never run the journal's argv (issue 14 point 7).
			s := newSim(t, planRunManifests, t0Crash)
			planted := filepath.Join(s.root, "planted-ran")
			plantedArgv := []string{"/bin/sh", "-c", "echo ran >> " + planted}
			if runtime.GOOS == "windows" {
				plantedArgv = []string{"cmd", "/c", "echo ran>> " + planted}
			}
			reached := append(slices.Clone(c.done), c.step)
			defs := obligations(c.op)

			// The run as the dead agent journaled it.
			var j *state.Journal
			var err error
			var partial string
			if c.op == "backup" {
				pol := s.a.desired.Policy("prod-nightly")
				j, err = s.store.BeginRun("backup", "policy/prod-nightly", "aes-prod", "")
				if err != nil {
					t.Fatal(err)
				}
				partial = catalog.PartialDir(pol.Spec.Destination, "aes-prod", catalog.SetID(t0Crash))
				if err := os.MkdirAll(partial, 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(partial, catalog.FileZip), []byte("half"), 0o640); err != nil {
					t.Fatal(err)
				}
				j.SetRecovery(string(runbook.StartIIS), plantedArgv)
				j.SetRecovery(string(runbook.RemovePartial), []string{pol.Spec.Destination, partial})
			} else {
				r := s.a.desired.Restore("staging-refresh")
				j, err = s.store.BeginRun("restore", "restore/staging-refresh", "aes-staging", r.SpecHash())
				if err != nil {
					t.Fatal(err)
				}
				j.SetRecovery(string(runbook.StartIIS), plantedArgv)
				j.SetRecovery(string(runbook.RevokeDBA), []string{"AESUSER313"})
			}
			for _, d := range c.done {
				j.StepStarted(d)
				j.StepFinished(d, nil)
			}
			j.StepStarted(c.step)

			s.start() // the next agent: recovery runs first

			// What the run may have left behind, said independently of the definitions'
			// Recovery fields: IIS stopped once stop-iis began, DBA held once grant-dba
			// began until revoke-dba finished, the .partial folder once check-destination began.
			// The definitions must owe exactly that.
			owes := func(rec runbook.Recovery) bool {
				switch rec {
				case runbook.StartIIS:
					return slices.Contains(reached, "stop-iis")
				case runbook.RevokeDBA:
					return slices.Contains(reached, "grant-dba")
				case runbook.RemovePartial:
					// The preflight writes nothing; check-destination makes the folder.
					return c.op == "backup" && slices.Contains(reached, "check-destination")
				}
				return false
			}
			for _, rec := range []runbook.Recovery{runbook.StartIIS, runbook.RevokeDBA, runbook.RemovePartial} {
				derived := false
				for _, o := range defs {
					derived = derived || (o.Recovery == rec && slices.Contains(reached, o.Step))
				}
				if derived != owes(rec) {
					t.Errorf("the definitions owe %s: %v, the run left it to undo: %v", rec, derived, owes(rec))
				}
			}
			server := map[string]string{"backup": "aes-prod", "restore": "aes-staging"}[c.op]
			started := 0
			for _, e := range s.hosts.Host(server).Events() {
				if e.Op == "start-iis" {
					started++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[owes(runbook.StartIIS)]; started != want {
				t.Errorf("IIS started %d time(s) by recovery, want %d", started, want)
			}
			if _, err := os.Stat(planted); err == nil {
				t.Error("recovery ran the IIS start argv planted in the journal")
			}
			if ob := s.store.Snapshot().Obligations; len(ob) != 0 {
				t.Errorf("obligations still pending after a recovery that could meet them: %+v", ob)
			}
			revoked := 0
			for _, e := range s.hosts.Host("aes-staging").Events() {
				if e.Op == "revoke-dba" && e.Path == "AESUSER313" {
					revoked++
				}
			}
			wantRevoke := owes(runbook.RevokeDBA) && !slices.Contains(c.done, "revoke-dba")
			if (revoked == 1) != wantRevoke || revoked > 1 {
				t.Errorf("DBA revoked %d time(s) by recovery, want it revoked: %v", revoked, wantRevoke)
			}
			if partial != "" {
				if _, err := os.Stat(partial); owes(runbook.RemovePartial) != os.IsNotExist(err) {
					t.Errorf("%s: %v, want it removed: %v", partial, err, owes(runbook.RemovePartial))
				}
			}

			if runs, err := s.store.UnfinishedRuns(); err != nil || len(runs) != 0 {
				t.Fatalf("unfinished runs after recovery: %d %v", len(runs), err)
			}
			st := s.store.Snapshot()
			if c.op == "backup" {
				p := st.Policies["prod-nightly"]
				if p == nil || p.LastResult != "failure" || !strings.Contains(p.LastError, "during step "+c.step) || p.RetryAt.IsZero() {
					t.Errorf("policy status %+v: want a failure at step %s, retried after backoff", p, c.step)
				}
				return
			}
			rt := st.Restores["staging-refresh"]
			cond, _ := st.Objects[manifests.KindRestore+"/staging-refresh"].Condition(state.Stalled)
			if rt == nil || rt.FailedStep != c.step || rt.FailedHash == "" || cond.Status != "True" || cond.Reason != "RestoreInterrupted" {
				t.Errorf("restore status %+v, stalled %+v: want it held at step %s", rt, cond, c.step)
			}
		})
	}
}

var t0Crash = time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
