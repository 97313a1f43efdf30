package simtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
)

// Main runs the tests after making sure altium-sim is there (built once per test run by the
// harness), so that a build failure is reported once instead of by every test. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }
func Main(m *testing.M) int {
	if _, err := harness.BinDir(); err != nil {
		fmt.Fprintln(os.Stderr, "simtest:", err)
		return 1
	}
	return m.Run()
}

// Host is a simulated host made by altium-sim init.
type Host struct {
	Root string
}

// Bin returns the path of a tool of the host (sqlplus, exp, …).
func (h Host) Bin(tool string) string { return filepath.Join(h.Root, "bin", tool) }

// Secret returns the content of ROOT/secrets/NAME (schema-password, admin-password).
func (h Host) Secret(t testing.TB, name string) string {
	b, err := os.ReadFile(filepath.Join(h.Root, "secrets", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(string(b), "\r\n")
}

// Init runs `altium-sim init --root DIR flags...` in a test temp folder.
func Init(t testing.TB, flags ...string) Host {
	t.Helper()
	root := filepath.Join(t.TempDir(), "host")
	out, err := exec.Command(harness.Binary(t, harness.AltiumSim), append([]string{"init", "--root", root}, flags...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("altium-sim init: %v\n%s", err, out)
	}
	return Host{Root: root}
}

// Run runs a tool of the host and fails the test if it fails.
func (h Host) Run(t testing.TB, tool string, args ...string) string {
	t.Helper()
	out, err := exec.Command(h.Bin(tool), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// StopIIS stops IIS (so the simulated application stops writing and holds no sessions).
func (h Host) StopIIS(t testing.TB) { h.Run(t, "net", "stop", "WAS", "/y") }

// DB opens the simulated database; close it before running any tool.
func (h Host) DB(t testing.TB) *simdb.DB {
	t.Helper()
	db, err := simdb.Open(h.Root)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// Tnsnames returns the host's tnsnames.ora path.
func (h Host) Tnsnames() string { return host.Host{Root: h.Root}.Tnsnames() }

// Events returns the lines of ROOT/events.jsonl.
func (h Host) Events(t testing.TB) []string {
	b, err := os.ReadFile(filepath.Join(h.Root, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}
