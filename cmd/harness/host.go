package harness

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

// Host is a simulated Altium host made by `altium-sim init`.
type Host struct {
	Name string
	Root string
}

// NewHost runs `altium-sim init --root root --db-host 127.0.0.1 flags...`.
func NewHost(t testing.TB, name, root string, flags ...string) Host {
	t.Helper()
	args := append([]string{"init", "--root", root, "--db-host", "127.0.0.1"}, flags...)
	out, err := exec.Command(Binary(t, AltiumSim), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("altium-sim %v: %v\n%s", args, err, out)
	}
	return Host{Name: name, Root: root}
}

// Fault replaces the host's faults.yaml with yaml (empty: no faults) by a rename, so a tool
// starting meanwhile never reads half a file.
func (h Host) Fault(t testing.TB, yaml string) {
	t.Helper()
	p := filepath.Join(h.Root, "faults.yaml")
	if err := os.WriteFile(p+".w", []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".w", p); err != nil {
		t.Fatal(err)
	}
}

// Events returns the records of the host's events.jsonl, none before the first tool call. A
// line being written (not yet valid JSON) is left out.
func (h Host) Events(t testing.TB) []events.Record {
	t.Helper()
	f, err := os.Open(filepath.Join(h.Root, "events.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []events.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e events.Record
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", f.Name(), err)
	}
	return out
}

// Verify runs `altium-sim verify --root ROOT -o json`: whether the file storage and the
// schema carry the same generation, whether IIS runs, and the problems found.
func (h Host) Verify(t testing.TB) host.Report {
	t.Helper()
	out, err := exec.Command(Binary(t, AltiumSim), "verify", "--root", h.Root, "-o", "json").Output()
	var r host.Report
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("altium-sim verify --root %s: %v, %v: %s", h.Root, err, jerr, out)
	}
	return r
}
