package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
)

// cli runs the real vaultkeeper binary against the world's agent.
func (w *world) cli(args ...string) (string, int) {
	w.t.Helper()
	cmd := exec.Command(harness.Binary(w.t, harness.Vaultkeeper), args...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatal(err)
	}
	return string(out), code
}

// TestE2ECLI drives get, suspend, resume and plan through the real binary.
func TestE2ECLI(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, false)
	w.start()
	w.waitFor("a verified set", 60*time.Second, func() bool {
		for _, b := range w.backups() {
			if b.Verified && b.Server == "aes-prod" && !b.Replica {
				return true
			}
		}
		return false
	})
	api := []string{"--addr", w.addr, "--state-dir", w.stateDir}
	out, code := w.cli(append([]string{"get", "policies"}, api...)...)
	if code != 0 || !strings.Contains(out, "aes-prod-nightly") || !strings.Contains(out, "LAST-SUCCESS") {
		t.Fatalf("get policies (exit %d):\n%s", code, out)
	}
	if out, code := w.cli(append([]string{"get", "backups", "-o", "json"}, api...)...); code != 0 || !strings.Contains(out, `"verified": true`) {
		t.Fatalf("get backups -o json (exit %d):\n%s", code, out)
	}
	if out, code := w.cli(append([]string{"get", "nonsense"}, api...)...); code != 2 {
		t.Fatalf("get nonsense: exit %d, want 2:\n%s", code, out)
	}
	if out, code := w.cli(append([]string{"suspend", "policy/aes-prod-nightly"}, api...)...); code != 0 {
		t.Fatalf("suspend (exit %d):\n%s", code, out)
	}
	if !readState(t, w.stateDir).Policies["aes-prod-nightly"].Suspended {
		t.Fatal("suspend did not reach the state")
	}
	if out, _ := w.cli(append([]string{"get", "policies"}, api...)...); !strings.Contains(out, "true") {
		t.Fatalf("get policies does not show the suspension:\n%s", out)
	}
	if out, code := w.cli("suspend", "policy/aes-prod-nightly", "--addr", w.addr, "--state-dir", t.TempDir()); code != 1 || !strings.Contains(out, "token") {
		t.Fatalf("suspend without the token: exit %d, want 1 naming the token:\n%s", code, out)
	}
	if out, code := w.cli(append([]string{"resume", "policy/aes-prod-nightly"}, api...)...); code != 0 {
		t.Fatalf("resume (exit %d):\n%s", code, out)
	}
	if readState(t, w.stateDir).Policies["aes-prod-nightly"].Suspended {
		t.Fatal("resume did not reach the state")
	}

	// plan: a Restore added in a pull request shows, in words, what it would do.
	pr := filepath.Join(t.TempDir(), "repo")
	os.MkdirAll(pr, 0o755)
	b, _ := os.ReadFile(filepath.Join(w.dir, "repo", "altium.yaml"))
	os.WriteFile(filepath.Join(pr, "altium.yaml"), append(b, []byte(`---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: aes-prod-nightly, backup: latest}
`)...), 0o644)
	// plan changes nothing: with the agent stopped, the state and the backups stay as they were.
	w.stop()
	before := snapshotTree(t, w.stateDir) + snapshotTree(t, filepath.Join(w.dir, "backups"))
	out, code = w.cli("plan", pr, "--state-dir", w.stateDir)
	for _, want := range []string{"restore restore/staging-refresh on aes-staging [DESTRUCTIVE]", "DROP USER AESUSER313 CASCADE on XE", "safety backup of aes-staging", "REVOKE DBA FROM AESUSER313"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("plan (exit %d) does not say %q:\n%s", code, want, out)
		}
	}
	if after := snapshotTree(t, w.stateDir) + snapshotTree(t, filepath.Join(w.dir, "backups")); after != before {
		t.Error("plan changed the state dir or the backups")
	}
}

// snapshotTree lists every file under dir with its size and modification time.
func snapshotTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
