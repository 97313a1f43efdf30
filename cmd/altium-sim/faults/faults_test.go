package faults

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTakeCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faults.yaml")
	if err := os.WriteFile(path, []byte("# comment\nexp:\n  exit: 1\n  count: 2\nimp:\n  garbage: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tool     string
		wantExit bool
		garbage  bool
	}{
		{"exp", true, false}, {"exp", true, false}, {"exp", false, false},
		{"imp", false, true}, {"imp", false, true}, {"net", false, false},
	}
	for i, tc := range tests {
		f, err := Take(path, tc.tool)
		if err != nil {
			t.Fatal(err)
		}
		if (f.Exit != nil) != tc.wantExit || f.Garbage != tc.garbage {
			t.Fatalf("call %d %s: fault %+v", i, tc.tool, f)
		}
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv(EnvName("avbackup"), "{corruptZip: true}")
	f, err := Take(filepath.Join(t.TempDir(), "none.yaml"), "avbackup")
	if err != nil || !f.CorruptZip {
		t.Fatalf("Take = %+v, %v", f, err)
	}
}

func TestUnknownKeyRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faults.yaml")
	os.WriteFile(path, []byte("exp:\n  explode: true\n"), 0o644)
	if _, err := Read(path); err == nil {
		t.Fatal("unknown key accepted")
	}
}

func TestTakeForMatchAndSkip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faults.yaml")
	if err := os.WriteFile(path, []byte("sqlplus:\n  match: drop user\n  exit: 2\n  count: 1\nnet:\n  match: start\n  skip: 1\n  exit: 5\n  count: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tool, input string
		want        int // exit code of the fault, 0 for none
	}{
		{"sqlplus", "-S /nolog\nCONNECT / AS SYSDBA\nSELECT 1 FROM DUAL;", 0},
		{"sqlplus", "-S /nolog\nCONNECT / AS SYSDBA\nDROP USER \"AESUSER313\" CASCADE;", 2},
		{"sqlplus", "-S /nolog\nDROP USER \"AESUSER313\" CASCADE;", 0}, // count used up
		{"net", "stop WAS /y", 0},
		{"net", "start W3SVC", 0}, // skipped
		{"net", "stop WAS /y", 0},
		{"net", "start W3SVC", 5},
		{"net", "start W3SVC", 0},
	}
	for i, tc := range tests {
		f, err := TakeFor(path, tc.tool, tc.input)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		if f.Exit != nil {
			got = *f.Exit
		}
		if got != tc.want {
			t.Fatalf("call %d %s %q: fault %+v, want exit %d", i, tc.tool, tc.input, f, tc.want)
		}
	}
	if m, _ := Read(path); len(m) != 0 {
		t.Errorf("entries left after their counts: %+v", m)
	}
	// Take (no input) never applies a fault that matches on input.
	os.WriteFile(path, []byte("exp:\n  match: owner\n  exit: 1\n"), 0o644)
	if f, _ := Take(path, "exp"); f.Exit != nil {
		t.Errorf("Take applied a match fault: %+v", f)
	}
	t.Setenv(EnvName("exp"), "{match: OWNER=X, exit: 3}")
	if f, _ := TakeFor(path, "exp", "owner=x file=d"); f.Exit == nil || *f.Exit != 3 {
		t.Errorf("env fault with match: %+v", f)
	}
	if f, _ := TakeFor(path, "exp", "owner=y"); f.Exit != nil {
		t.Errorf("env fault applied without its match: %+v", f)
	}
}
