package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// setManifest rewrites the manifests file with edit and waits until the agent applied it.
func (w *world) setManifest(edit func(string) string) {
	w.t.Helper()
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(edit(string(b))), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) stagingStopped() bool {
	for _, e := range w.events("aes-staging") {
		if e.Tool == "avbackup" && len(e.Argv) > 0 && e.Argv[0] == "restore" {
			return true
		}
	}
	return false
}

// TestE2ERestoreRefusesACorruptedSet: a set damaged after it was published fails L1
// verification right before use; the restore is stalled and the target never touched.
func TestE2ERestoreRefusesACorruptedSet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, false)
	w.start()
	var dir string
	w.waitFor("a verified production set", 60*time.Second, func() bool {
		for _, b := range w.backups() {
			if b.Verified && !b.Replica && b.Server == "aes-prod" {
				dir = b.Dir
				return true
			}
		}
		return false
	})
	f, err := os.OpenFile(filepath.Join(dir, "oracle.dmp"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tampered"))
	f.Close()
	w.setManifest(func(s string) string {
		return s + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: aes-prod-nightly, backup: latest}
  safetyBackup: false
`
	})
	w.waitFor("the restore refused", 30*time.Second, func() bool {
		var rs []reconciler.RestoreView
		w.get("restores", &rs)
		return len(rs) == 1 && strings.Contains(ready(rs[0].Conditions), "failed L1 verification right before use")
	})
	if w.stagingStopped() {
		t.Error("the target was touched although the set failed verification")
	}
	if v := w.simVerify("aes-staging"); !v.IISRunning {
		t.Error("IIS of the target is not running")
	}
}

// TestE2ERestoreFaults injects a failure at restore steps: IIS running afterwards, DBA
// revoked, and a status that says which step failed.
func TestE2ERestoreFaults(t *testing.T) {
	cases := []struct{ name, faults, step string }{
		{"avbackup restore fails", "avbackup:\n  exit: 1\n", "avbackup-restore"},
		{"imp fails", "imp:\n  exit: 1\n", "import"},
		{"imp garbage", "imp:\n  garbage: true\n", "import"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
			// Only the restore may call staging's tools: no safety backup, staging's own policy
			// suspended. The fault is armed from the start.
			w.setManifest(func(s string) string {
				s = strings.Replace(s, "safetyBackup: true", "safetyBackup: false", 1)
				return strings.Replace(s, "  server: aes-staging\n  schedule", "  server: aes-staging\n  suspend: true\n  schedule", 1)
			})
			w.fault("aes-staging", c.faults)
			w.start()
			var st state.Status
			w.waitFor("the restore failed", 90*time.Second, func() bool {
				st = readState(t, w.stateDir)
				rt := st.Restores["staging-refresh"]
				return rt != nil && rt.LastResult == "failure"
			})
			w.fault("aes-staging", "")
			rt := st.Restores["staging-refresh"]
			if rt.FailedStep != c.step {
				t.Errorf("failed step %q, want %q (%s)", rt.FailedStep, c.step, rt.LastError)
			}
			if v := w.simVerify("aes-staging"); !v.IISRunning {
				t.Errorf("IIS not running after the failed restore: %+v", v)
			}
			if w.hasDBA("aes-staging") {
				t.Error("DBA not revoked after the failed restore")
			}
			if !strings.Contains(w.metrics(), `vaultkeeper_restore_runs_total{restore="staging-refresh",result="failure",server="aes-staging"} 1`) {
				t.Errorf("failure not in metrics:\n%s", grep(w.metrics(), "restore_runs_total"))
			}
		})
	}
}

// TestE2EStandingRestoreFollows: with a short maxLag, a new production backup is restored
// into staging, and restore_backup_age_seconds tracks the restored set.
func TestE2EStandingRestoreFollows(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "maxLag: 168h", "maxLag: 1s", 1)), 0o644)
	w.start()
	first := ""
	w.waitFor("the first restore", 90*time.Second, func() bool {
		first = w.restoreView("staging-refresh").RestoredSet
		return first != ""
	})
	if !strings.Contains(w.metrics(), `vaultkeeper_restore_backup_age_seconds{restore="staging-refresh",server="aes-staging"}`) {
		t.Errorf("no restore_backup_age_seconds:\n%s", grep(w.metrics(), "restore_"))
	}
	// A set id is the UTC start second: the next backup needs the clock past the first's.
	harness.Poll(t, "the clock past set "+first, 5*time.Second, func() bool {
		return time.Now().UTC().Format(catalog.SetIDLayout) > first
	}, nil)
	w.request("policy/aes-prod-nightly")
	w.waitFor("staging to follow the new set", 90*time.Second, func() bool {
		r := w.restoreView("staging-refresh").RestoredSet
		return r != "" && r > first
	})
}

// TestE2EShutdownDuringAStep: SIGTERM while avbackup runs stops the agent within its bound,
// the step is cancelled, IIS is started again and the run is recorded as failed.
func TestE2EShutdownDuringAStep(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.fault("aes-prod", "avbackup:\n  hang: true\n")
	w.start()
	w.waitFor("avbackup to start", 60*time.Second, func() bool {
		for _, e := range w.events("aes-prod") {
			if e.Tool == "avbackup" && e.Phase == "start" {
				return true
			}
		}
		return false
	})
	start := time.Now()
	w.stop()
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	if v := w.simVerify("aes-prod"); !v.IISRunning {
		t.Errorf("IIS left stopped by a shutdown: %+v", v)
	}
	st := readState(t, w.stateDir)
	var failed bool
	for _, h := range st.History {
		failed = failed || (h.Result == state.RunFailed && h.FailedStep == "avbackup")
	}
	if !failed {
		t.Errorf("the cancelled run is not recorded as failed at avbackup: %+v", st.History)
	}
	for _, d := range w.setFolders("aes-prod") {
		t.Errorf("left in the destination: %s", d)
	}
}
