package simtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

var binary string

// Main builds altium-sim, runs the tests and removes the build. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }
func Main(m *testing.M) int {
	dir, err := os.MkdirTemp("", "vk-altium-sim-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	name := "altium-sim"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	binary = filepath.Join(dir, name)
	// A prebuilt altium-sim (the Wine pass has no Go toolchain): VAULTKEEPER_TEST_BIN_DIR.
	if pre := os.Getenv("VAULTKEEPER_TEST_BIN_DIR"); pre != "" {
		binary = filepath.Join(pre, name)
		return m.Run()
	}
	out, err := exec.Command("go", "build", "-o", binary, "github.com/vaultkeeper/vaultkeeper/cmd/altium-sim").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build altium-sim: %v\n%s", err, out)
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
	if binary == "" {
		t.Fatal("simtest.Main did not run (call it from TestMain)")
	}
	root := filepath.Join(t.TempDir(), "host")
	out, err := exec.Command(binary, append([]string{"init", "--root", root}, flags...)...).CombinedOutput()
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
