package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFindSimTakesTheBuiltSimulator: a simulator already built into the demo folder is used,
// under its platform name (altium-sim.exe on Windows), instead of building it again with a
// Go toolchain a Windows host does not have (issue 18).
func TestFindSimTakesTheBuiltSimulator(t *testing.T) {
	if _, err := os.Stat(filepath.Join(binDirOrEmpty(), simName())); err == nil {
		t.Skip("altium-sim sits beside the test binary; findSim would take that one")
	}
	dir := t.TempDir()
	name := "altium-sim"
	if runtime.GOOS == "windows" {
		name = "altium-sim.exe"
	}
	want := filepath.Join(dir, "bin", name)
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("built before"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir) // no altium-sim on PATH, no go toolchain to fall back to
	got, err := findSim(context.Background(), dir)
	if err != nil || got != want {
		t.Fatalf("findSim = %q, %v; want %q", got, err, want)
	}
}

// binDirOrEmpty is the test binary's folder.
func binDirOrEmpty() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return filepath.Dir(exe)
}
