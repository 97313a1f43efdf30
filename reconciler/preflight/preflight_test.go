package preflight

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// TestCheckTool: a tool is found the way os/exec starts it. On Windows (run under Wine by
// make wine) a path without extension resolves through PATHEXT, and a file without one of
// PATHEXT's extensions cannot be started, as cmd.exe would not start it either.
func TestCheckTool(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exe := write("tool-ok", 0o755)
	write("noexec", 0o644)
	write("avbackup.exe", 0o755)
	write("runme.CMD", 0o755)
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
	cases := []struct {
		name, path, goos string // goos "": every OS
		ok               bool
	}{
		{name: "executable file", path: exe, ok: true, goos: "!windows"},
		{name: "missing file (a typo)", path: filepath.Join(dir, "avbakup")},
		{name: "a folder", path: filepath.Join(dir, "folder")},
		{name: "no execute bit", path: filepath.Join(dir, "noexec"), goos: "!windows"},
		{name: "empty", path: ""},
		{name: "name not on PATH", path: "no-such-tool-vaultkeeper"},
		{name: "exact name with its extension", path: filepath.Join(dir, "avbackup.exe"), ok: true},
		{name: "no extension: PATHEXT's .EXE is appended", path: filepath.Join(dir, "avbackup"), ok: true, goos: "windows"},
		{name: "no extension on Unix: the file must exist as given", path: filepath.Join(dir, "avbackup"), goos: "!windows"},
		{name: "PATHEXT's .CMD, any case", path: filepath.Join(dir, "runme"), ok: true, goos: "windows"},
		{name: "a file without a PATHEXT extension cannot be started", path: filepath.Join(dir, "tool-ok"), goos: "windows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.goos == "windows" && runtime.GOOS != "windows" || c.goos == "!windows" && runtime.GOOS == "windows" {
				t.Skipf("a rule of the other OS (%s); make wine runs the Windows ones under Wine", c.goos)
			}
			err := CheckTool(Tool{Server: "aes-prod", Field: "spec.avbackup", Path: c.path})
			if c.ok {
				if err != nil {
					t.Fatalf("CheckTool(%s) = %v, want ok", c.path, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckTool(%s) = nil, want a refusal", c.path)
			}
			if outcome.Kind(err) != "stalled" || outcome.Reason(err) != ToolMissing {
				t.Errorf("kind %s reason %s, want stalled %s", outcome.Kind(err), outcome.Reason(err), ToolMissing)
			}
			if !strings.Contains(err.Error(), "server aes-prod spec.avbackup") {
				t.Errorf("%v: does not name the server and field", err)
			}
		})
	}
}

func TestCheckRoot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	missing := filepath.Join(dir, "unmounted", "backups")
	cases := []struct {
		name, root, reason string
	}{
		{name: "writable folder", root: dir},
		{name: "missing root", root: missing, reason: DestinationMissing},
		{name: "a file", root: file, reason: DestinationInvalid},
		{name: "below a file", root: filepath.Join(file, "backups"), reason: DestinationMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckRoot("prod-nightly", c.root)
			if c.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				ents, _ := os.ReadDir(c.root)
				for _, e := range ents {
					if strings.HasPrefix(e.Name(), ".vaultkeeper-preflight") {
						t.Errorf("the write test left %s", e.Name())
					}
				}
				return
			}
			if outcome.Reason(err) != c.reason || outcome.Kind(err) != "stalled" {
				t.Fatalf("err %v (%s %s), want stalled %s", err, outcome.Kind(err), outcome.Reason(err), c.reason)
			}
			if !strings.Contains(err.Error(), "policy prod-nightly spec.destination") || !strings.Contains(err.Error(), c.root) {
				t.Errorf("%v: does not name the policy, the field and the folder", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "unmounted")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing destination root was created (%v)", err)
	}
}

func TestNeedAndFree(t *testing.T) {
	cases := []struct {
		name    string
		last    []int64
		minFree int64
		free    int64
		need    int64
		refused bool
	}{
		{name: "first set, no minimum: not measured", need: 0},
		{name: "the largest last set of the server × 1.2", last: []int64{1000, 5000}, free: 6000, need: 6000},
		{name: "one byte short", last: []int64{1000, 5000}, free: 5999, need: 6000, refused: true},
		{name: "minFreeBytes larger", last: []int64{10}, minFree: 5000, free: 4999, need: 5000, refused: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			need := Need(c.last, c.minFree)
			if need != c.need {
				t.Fatalf("Need = %d, want %d", need, c.need)
			}
			err := CheckFree("prod-nightly", "/backups", need, func(string) (int64, error) { return c.free, nil })
			if (err != nil) != c.refused {
				t.Fatalf("CheckFree = %v, refused want %v", err, c.refused)
			}
			if err != nil && (outcome.Kind(err) != "transient" || !strings.Contains(err.Error(), "bytes free")) {
				t.Errorf("%v (%s): want a transient error saying the free bytes", err, outcome.Kind(err))
			}
		})
	}
}

func TestCheckLogin(t *testing.T) {
	cases := []struct {
		name string
		err  error
		kind string
	}{
		{name: "ok", kind: ""},
		{name: "wrong password", err: &oracle.OraError{Code: 1017, Message: "invalid username/password; logon denied"}, kind: "stalled"},
		{name: "locked", err: fmt.Errorf("sqlplus: %w", &oracle.OraError{Code: 28000, Message: "the account is locked"}), kind: "stalled"},
		{name: "wrong container", err: fmt.Errorf("%w: in CDB$ROOT", oracle.ErrPreflight), kind: "stalled"},
		{name: "no listener", err: &oracle.OraError{Code: 12541, Message: "TNS:no listener"}, kind: "transient"},
		{name: "unknown service", err: &oracle.OraError{Code: 12514, Message: "TNS:listener does not currently know of service"}, kind: "transient"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckLogin(context.Background(), "aes-prod", Login{What: "schema AESUSER313", Do: func(context.Context) error { return c.err }})
			if outcome.Kind(err) != c.kind {
				t.Fatalf("%v: kind %q, want %q", err, outcome.Kind(err), c.kind)
			}
			if err != nil && !strings.Contains(err.Error(), "server aes-prod: schema AESUSER313") {
				t.Errorf("%v does not say which logon", err)
			}
		})
	}
}

// TestChecksRun: a missing tool stalls and no logon is tried (a logon through a missing
// sqlplus says nothing, and a wrong password must not be tried more than needed); a
// configuration error stalls even beside a transient one.
func TestChecksRun(t *testing.T) {
	dir := t.TempDir()
	logins := 0
	login := Login{What: "admin connection", Do: func(context.Context) error { logins++; return nil }}
	c := Checks{Server: "aes-prod", Tools: []Tool{{Server: "aes-prod", Field: "spec.avbackup", Path: filepath.Join(dir, "avbakup")}},
		Policy: "prod-nightly", Root: dir, Need: 100, Free: func(string) (int64, error) { return 1, nil }, Logins: []Login{login}}
	err := c.Run(context.Background())
	if outcome.Kind(err) != "stalled" || outcome.Reason(err) != ToolMissing {
		t.Fatalf("err %v: want stalled %s", err, ToolMissing)
	}
	if !strings.Contains(err.Error(), "bytes free") {
		t.Errorf("%v: the free-space failure is not reported beside the missing tool", err)
	}
	if logins != 0 {
		t.Errorf("%d logons tried with a tool missing", logins)
	}
	c.Tools = nil
	if err := c.Run(context.Background()); outcome.Kind(err) != "transient" {
		t.Errorf("free space only: %v (%s), want transient", err, outcome.Kind(err))
	}
	c.Need = 0
	second := 0
	c.Logins = []Login{{What: "admin connection", Do: func(context.Context) error { return &oracle.OraError{Code: 12541, Message: "TNS:no listener"} }},
		{What: "schema", Do: func(context.Context) error { second++; return nil }}}
	if err := c.Run(context.Background()); outcome.Kind(err) != "transient" || second != 0 {
		t.Errorf("unreachable database: %v (%s), later logons tried %d times", err, outcome.Kind(err), second)
	}
}

func TestFingerprint(t *testing.T) {
	dir := t.TempDir()
	tool, root := filepath.Join(dir, "avbackup"), filepath.Join(dir, "backups")
	a := Fingerprint(tool, root)
	if Fingerprint(tool, root) != a {
		t.Fatal("not stable")
	}
	os.WriteFile(tool, []byte("x"), 0o755)
	b := Fingerprint(tool, root)
	if b == a {
		t.Error("a created tool does not change it")
	}
	os.Mkdir(root, 0o755)
	c := Fingerprint(tool, root)
	if c == b {
		t.Error("a created destination root does not change it")
	}
	os.WriteFile(filepath.Join(root, "set"), nil, 0o644)
	if Fingerprint(tool, root) != c {
		t.Error("a file added in the destination changes it (every new set would clear a stall)")
	}
}
