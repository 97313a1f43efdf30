package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
	"github.com/vaultkeeper/vaultkeeper/state"
)

func (w *world) restoreView(name string) reconciler.RestoreView {
	var rs []reconciler.RestoreView
	w.get("restores", &rs)
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	w.t.Fatalf("restore %s not served", name)
	return reconciler.RestoreView{}
}

func (w *world) hasDBA(host string) bool {
	w.t.Helper()
	a := sqlplus.NewAdmin(sqlplus.Config{Path: filepath.Join(w.hosts[host], "bin", "sqlplus")}, oracle.Options{})
	ok, err := a.HasRole(context.Background(), "AESUSER313", "DBA")
	if err != nil {
		w.t.Fatalf("HasRole: %v", err)
	}
	return ok
}

// TestE2EStandingRestore backs production up and restores it into staging: staging ends
// consistent at the generation of the set, DBA revoked, IIS running.
func TestE2EStandingRestore(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	w.start()
	var r reconciler.RestoreView
	w.waitFor("the restore", 90*time.Second, func() bool {
		r = w.restoreView("staging-refresh")
		return r.RestoredSet != ""
	})
	setDir := filepath.Join(w.dir, "backups", "aes-prod", r.RestoredSet)
	gen := zipGeneration(t, filepath.Join(setDir, "files.zip"))
	v := w.simVerify("aes-staging")
	// The application writes again once IIS runs (and altium-sim verify itself lets it), so the
	// generation moves on from the set's; both halves must have moved on together from it.
	if !v.Consistent || !v.IISRunning || v.FilesGeneration < gen {
		t.Errorf("staging after restore: %+v, want consistent from generation %d with IIS running", v, gen)
	}
	if w.hasDBA("aes-staging") {
		t.Error("AESUSER313 still holds DBA after the restore")
	}
	var safety bool
	for _, b := range w.backups() {
		safety = safety || (b.Kind == "safety" && b.Server == "aes-staging" && b.Verified)
	}
	if !safety {
		t.Error("no verified safety set of the target was taken before the restore")
	}
	for _, e := range w.events("aes-staging") {
		if e.PasswordInArgv {
			t.Errorf("a password reached argv of %s: %v", e.Tool, e.Argv)
		}
	}
	if !strings.Contains(w.metrics(), `vaultkeeper_restore_runs_total{restore="staging-refresh",result="success",server="aes-staging"} 1`) {
		t.Errorf("restore not counted:\n%s", grep(w.metrics(), "restore_runs_total"))
	}
}

// TestE2EInvalidRevisionKeepsLastGood: an invalid edit is rejected with its errors in
// status; the last good revision stays in force.
func TestE2EInvalidRevisionKeepsLastGood(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "keepLast: 3", "keepLast: -3", 1)), 0o644)
	var src state.Source
	w.waitFor("the revision rejected", 10*time.Second, func() bool {
		w.get("source", &src)
		return src.Reason == "ManifestsInvalid"
	})
	if len(src.Errors) != 1 || !strings.Contains(src.Errors[0], "BackupPolicy/aes-prod-nightly: spec.retention.keepLast") {
		t.Errorf("errors in status: %q", src.Errors)
	}
	if src.LastApplied == src.LastAttempted {
		t.Errorf("the invalid revision was applied: %+v", src)
	}
	if !strings.Contains(w.metrics(), "vaultkeeper_manifests_invalid 1") {
		t.Error("manifests_invalid is not 1")
	}
	if len(w.policiesServed()) != 1 {
		t.Error("the last good revision is not in force")
	}
}

func (w *world) policiesServed() []reconciler.PolicyView {
	var ps []reconciler.PolicyView
	w.get("policies", &ps)
	return ps
}

// TestE2ECrashRecovery kills the agent (SIGKILL) while a tool of each runbook is held, and
// restarts it: IIS runs again, DBA is revoked, nothing partial stays, the run failed at
// that step, and a half-done restore is not re-run by itself.
func TestE2ECrashRecovery(t *testing.T) {
	cases := []struct {
		name, tool, step string
		restore          bool
	}{
		{name: "backup killed in avbackup", tool: "avbackup", step: "avbackup"},
		{name: "backup killed in exp", tool: "exp", step: "export"},
		{name: "restore killed in imp", tool: "imp", step: "import", restore: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hosts, host := []string{"aes-prod"}, "aes-prod"
			if c.restore {
				hosts, host = []string{"aes-prod", "aes-staging"}, "aes-staging"
			}
			w := newWorld(t, hosts, c.restore)
			release := filepath.Join(w.dir, "release")
			w.fault(host, c.tool+":\n  hangUntil: "+release+"\n")
			w.start()
			w.waitFor(c.tool+" to start", 90*time.Second, func() bool {
				for _, e := range w.events(host) {
					if e.Tool == c.tool && e.Phase == "start" {
						return true
					}
				}
				return false
			})
			w.kill()
			os.WriteFile(release, nil, 0o644)
			w.fault(host, "")
			w.start()
			var hist []state.RunSummary
			w.waitFor("the dead run marked failed", 20*time.Second, func() bool {
				st := readState(t, w.stateDir)
				hist = st.History
				for _, h := range hist {
					if h.Result == state.RunFailed && h.FailedStep == c.step {
						return true
					}
				}
				return false
			})
			if v := w.simVerify(host); !v.IISRunning {
				t.Errorf("IIS not running after recovery: %+v", v)
			}
			if c.restore {
				if w.hasDBA(host) {
					t.Error("DBA not revoked after the crash")
				}
				// The restarted agent leaves the half-done restore alone: its plan shows it
				// blocked, and staging saw no new avbackup restore or imp.
				item := w.leftAlone("restore/staging-refresh")
				// The target's restore record holds it first (begun, never completed).
				if !strings.Contains(item.Reason, "never completed") || !strings.Contains(item.Reason, "vaultkeeper reconcile restore/staging-refresh") {
					t.Errorf("restore blocked for another reason: %q", item.Reason)
				}
				if n, m := w.toolStarts(host, "avbackup", "restore"), w.toolStarts(host, "imp"); n != 1 || m > 1 {
					t.Errorf("after the restart staging saw avbackup restore %d times and imp %d times, want 1 and at most 1", n, m)
				}
				n := 0
				for _, h := range readState(t, w.stateDir).History {
					if h.Kind == "restore" {
						n++
					}
				}
				if n != 1 {
					t.Errorf("the half-done restore ran again by itself (%d restore runs)", n)
				}
				if r := w.restoreView("staging-refresh"); !strings.Contains(ready(r.Conditions), "stopped during step import") {
					t.Errorf("restore status does not say what happened: %+v", r.Conditions)
				}
			} else {
				for _, d := range w.setFolders(host) {
					if strings.HasSuffix(d, ".partial") {
						t.Errorf("partial set left behind: %s", d)
					}
				}
			}
		})
	}
}

func readState(t *testing.T, dir string) state.Status {
	t.Helper()
	st, err := readStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
