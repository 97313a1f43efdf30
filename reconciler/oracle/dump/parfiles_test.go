package dump

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
)

func TestParfileInStateDir(t *testing.T) {
	dir := ParfileDir(t.TempDir())
	path, cleanup, err := parfile(dir, []string{`userid="U/pw@XE"`})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(filepath.Dir(path)) != dir {
		t.Fatalf("parfile %s is not in its own folder inside %s", path, dir)
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Dir(path): 0o700, path: 0o600} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: %v, %v; want mode %v", p, fi.Mode().Perm(), err, want)
			}
		}
	}
	cleanup()
	assertEmpty(t, dir)
}

// TestResetParfilesWipesLeftovers: a parfile left by a kill -9 during an export is gone
// after the next start-up.
func TestResetParfilesWipesLeftovers(t *testing.T) {
	dir := ParfileDir(t.TempDir())
	left := filepath.Join(dir, "vaultkeeper-parfile-123", "dump.par")
	if err := os.MkdirAll(filepath.Dir(left), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(left, []byte(`userid="AESUSER313/`+canary+`@XE"`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stray"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ResetParfiles(dir); err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, dir)
	if err := ResetParfiles(filepath.Join(t.TempDir(), "state", ParfileDirName)); err != nil {
		t.Fatalf("a missing parfile folder: %v", err)
	}
}

// TestToolRunUsesAndRemovesParfile: exp reads its parfile from the state dir's parfile
// folder, and nothing is left there after a success, a failure or a timeout.
func TestToolRunUsesAndRemovesParfile(t *testing.T) {
	for _, c := range []struct{ name, fault string }{{"success", ""}, {"exit 1", "{exit: 1}"}, {"timeout", "{hang: true}"}} {
		t.Run(c.name, func(t *testing.T) {
			h := simtest.Init(t, "--password", canary, "--tables", "1", "--rows", "1")
			if c.fault != "" {
				t.Setenv("ALTIUM_SIM_FAULT_EXP", c.fault)
			}
			r := runner(h, Exp, &bytes.Buffer{})
			r.ParfileDir = ParfileDir(t.TempDir())
			if c.name == "timeout" {
				r.Timeout = 500_000_000
			}
			out := t.TempDir()
			_, err := r.Run(context.Background(), Job{Tool: Exp, User: "AESUSER313", Password: canary, Alias: "XE",
				Schema: "AESUSER313", File: filepath.Join(out, "o.dmp"), LogFile: filepath.Join(out, "o.log")})
			if (err == nil) != (c.fault == "") {
				t.Fatalf("run: %v", err)
			}
			used := false
			for _, ev := range h.Events(t) {
				used = used || strings.Contains(ev, "parfile="+filepath.ToSlash(r.ParfileDir)) || strings.Contains(ev, "parfile="+strings.ReplaceAll(r.ParfileDir, `\`, `\\`))
			}
			if !used {
				t.Fatalf("exp was not given a parfile inside %s:\n%s", r.ParfileDir, strings.Join(h.Events(t), "\n"))
			}
			assertEmpty(t, r.ParfileDir)
		})
	}
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("parfile folder %s: %v", dir, err)
	}
	for _, e := range entries {
		t.Errorf("left in %s: %s", dir, e.Name())
	}
}
