package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
)

// simBin is the altium-sim binary, built once per test run by cmd/harness.
var simBin string

func TestMain(m *testing.M) {
	var err error
	if simBin, err = harness.Path(harness.AltiumSim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// simHost is an initialized host and helpers to run its tools.
type simHost struct {
	t    *testing.T
	root string
	env  []string
}

func newHost(t *testing.T, extra ...string) *simHost {
	t.Helper()
	root := filepath.Join(t.TempDir(), "host")
	args := append([]string{"init", "--root", root, "--files", "6", "--file-size", "2048", "--tables", "4", "--rows", "20"}, extra...)
	if out, err := exec.Command(simBin, args...).CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return &simHost{t: t, root: root}
}

type result struct {
	code           int
	stdout, stderr string
}

func (h *simHost) run(tool string, args ...string) result {
	return h.runIn("", tool, args...)
}

func (h *simHost) runIn(stdin, tool string, args ...string) result {
	h.t.Helper()
	cmd := exec.Command(filepath.Join(h.root, "bin", tool), args...)
	cmd.Env = append(os.Environ(), h.env...)
	cmd.Stdin = strings.NewReader(stdin)
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("run %s: %v", tool, err)
	}
	return result{code, so.String(), se.String()}
}

type report struct {
	IsDBA            bool     `json:"isDBA"`
	QuotaOK          bool     `json:"quotaOK"`
	NoQuota          []string `json:"noQuota"`
	InvalidObjects   int      `json:"invalidObjects"`
	Consistent       bool     `json:"consistent"`
	FilesGeneration  int64    `json:"filesGeneration"`
	DBGeneration     int64    `json:"dbGeneration"`
	IISRunning       bool     `json:"iisRunning"`
	TnsnamesAgrees   bool     `json:"tnsnamesAgrees"`
	IISBindingAgrees bool     `json:"iisBindingAgrees"`
	Problems         []string `json:"problems"`
}

func (h *simHost) verify() (report, int) {
	h.t.Helper()
	r := h.run("altium-sim", "verify", "--root", h.root, "-o", "json")
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		h.t.Fatalf("verify output %q: %v", r.stdout, err)
	}
	return rep, r.code
}

// parfile writes a 0600 parfile (the way vaultkeeper passes credentials) and returns it.
func (h *simHost) parfile(name string, lines ...string) string {
	h.t.Helper()
	p := filepath.Join(h.t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *simHost) exp(dir string) result {
	return h.run("exp", "parfile="+h.parfile("exp.par", "userid=AESUSER313/Altium@XE", "owner=AESUSER313",
		"file="+filepath.Join(dir, "oracle.dmp"), "log="+filepath.Join(dir, "oracle-export.log"), "statistics=none"))
}

func (h *simHost) imp(dir, user, pw string) result {
	return h.run("imp", "parfile="+h.parfile("imp.par", "userid="+user+"/"+pw+"@XE",
		"file="+filepath.Join(dir, "oracle.dmp"), "log="+filepath.Join(dir, "oracle-import.log"),
		"fromuser=AESUSER313", "touser=AESUSER313"))
}

func (h *simHost) writeFaults(yaml string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.root, "faults.yaml"), []byte(yaml), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

type event struct {
	Phase          string   `json:"phase"`
	Tool           string   `json:"tool"`
	Argv           []string `json:"argv"`
	Start          string   `json:"start"`
	End            string   `json:"end"`
	StartMono      int64    `json:"startMono"`
	EndMono        int64    `json:"endMono"`
	Exit           *int     `json:"exit"`
	PasswordInArgv bool     `json:"passwordInArgv"`
	Pid            int      `json:"pid"`
	Faults         string   `json:"faults"`
}

// held waits until the events show a call of tool started with a fault named fault (hang,
// hangUntil) and not ended: the simulator's own word that it holds the call.
func (h *simHost) held(tool, fault string) event {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a program start can take seconds under Wine
	for {
		b, _ := os.ReadFile(filepath.Join(h.root, "events.jsonl"))
		var start *event
		for _, line := range strings.Split(string(b), "\n") {
			var e event
			if json.Unmarshal([]byte(line), &e) != nil || e.Tool != tool {
				continue // a line being written, or another tool
			}
			switch {
			case e.Phase == "start" && slices.Contains(strings.Split(e.Faults, ","), fault):
				start = &e
			case e.Phase == "end" && start != nil && e.Pid == start.Pid:
				h.t.Fatalf("%s ended although %s applied: %+v", tool, fault, e)
			}
		}
		if start != nil {
			return *start
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no %s call held by %s within 30s; events:\n%s", tool, fault, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *simHost) events() []event {
	h.t.Helper()
	f, err := os.Open(filepath.Join(h.root, "events.jsonl"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []event
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			h.t.Fatalf("events line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

func mustCode(t *testing.T, what string, r result, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, want, r.stdout, r.stderr)
	}
}

// eventsIfAny returns the complete lines of events.jsonl written so far (none when the file
// does not exist yet), for polling while a tool runs.
func (h *simHost) eventsIfAny() []string {
	b, err := os.ReadFile(filepath.Join(h.root, "events.jsonl"))
	if err != nil {
		return nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.Split(s[:i], "\n")
	}
	return nil
}
