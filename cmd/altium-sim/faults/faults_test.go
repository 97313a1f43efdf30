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
