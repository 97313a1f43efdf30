package reconciler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOnlyRestoreNameForcesARestore (issue 14 point 3): a bare `vaultkeeper reconcile` and
// `reconcile server/NAME` never run a restore again; `reconcile restore/NAME` does.
func TestOnlyRestoreNameForcesARestore(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password") // the restore creates the schema user with it
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich)
	withRestoreTarget := strings.Replace(simManifests, "  agent: sim\n  installDir: '@ROOT@/hosts/aes-dev'",
		"  agent: sim\n  allowRestore: true\n  installDir: '@ROOT@/hosts/aes-dev'", 1)
	s := newSim(t, withRestoreTarget, t0)
	s.step(t0)
	set := s.store.Snapshot().Policies["prod-hourly"].LastSet
	if set == "" {
		t.Fatalf("no prod set after the first step: %v", s.problems())
	}
	restore := withRestoreTarget + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: dev-refresh}
spec:
  server: aes-dev
  confirm: aes-dev
  source: {policy: prod-hourly, backup: "` + set + `"}
  safetyBackup: false
`
	text := strings.ReplaceAll(restore, "@ROOT@", s.root)
	if err := os.WriteFile(filepath.Join(s.root, "repo", "altium.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s.start() // the same store and hosts, the new manifests
	dev := s.hosts.Host("aes-dev")
	restores := func() int {
		n := 0
		for _, e := range dev.Events() {
			if e.Op == "avbackup-restore" {
				n++
			}
		}
		return n
	}
	s.step(t0)
	if got := restores(); got != 1 {
		t.Fatalf("the new Restore ran %d times, want once: %v", got, s.problems())
	}
	for _, object := range []string{"", "server/aes-dev"} {
		if err := s.a.Request(object); err != nil {
			t.Fatal(err)
		}
		s.step(t0)
		if got := restores(); got != 1 {
			t.Fatalf("reconcile %q restored again (%d restores in all)", object, got)
		}
	}
	if err := s.a.Request("restore/dev-refresh"); err != nil {
		t.Fatal(err)
	}
	s.step(t0)
	if got := restores(); got != 2 {
		t.Fatalf("reconcile restore/dev-refresh: %d restores in all, want 2: %v", got, s.problems())
	}
}
