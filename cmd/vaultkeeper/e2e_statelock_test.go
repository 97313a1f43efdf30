package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/state/dirlock"
)

// startLockAgent launches an agent named name on stateDir (cmd/harness) without waiting
// for it: the second one is expected to exit at once.
func startLockAgent(t *testing.T, source, stateDir, name string) *harness.Agent {
	t.Helper()
	return harness.Launch(t, harness.Options{Source: source, StateDir: stateDir, Name: name,
		LogFile: filepath.Join(filepath.Dir(stateDir), name+".log"), Args: []string{"--shutdown-timeout", "10s"}})
}

// holderPID is the pid the state dir's lock file names, 0 when none.
func holderPID(stateDir string) int {
	b, err := os.ReadFile(filepath.Join(stateDir, dirlock.LockFile))
	if err != nil {
		return 0
	}
	var h dirlock.Holder
	if json.Unmarshal(bytes.TrimSpace(b), &h) != nil {
		return 0
	}
	return h.PID
}

// waitHolder polls until the lock file names pid; the agent writes it once it holds the lock.
func waitHolder(t *testing.T, stateDir string, a *harness.Agent) {
	t.Helper()
	a.WaitFor(fmt.Sprintf("agent pid %d to hold %s", a.Pid(), stateDir), 20*time.Second, func() bool {
		return holderPID(stateDir) == a.Pid()
	})
}

// TestE2EOneAgentPerStateDir (issue 14 point 2): a second agent on a state dir in use exits
// non-zero naming the holder and changes nothing; after a graceful stop or a SIGKILL of the
// holder, the next agent starts.
func TestE2EOneAgentPerStateDir(t *testing.T) {
	dir := t.TempDir()
	source, stateDir := filepath.Join(dir, "repo"), filepath.Join(dir, "state")
	if err := os.MkdirAll(source, 0o755); err != nil {
		t.Fatal(err)
	}
	first := startLockAgent(t, source, stateDir, "first")
	waitHolder(t, stateDir, first)

	second := startLockAgent(t, source, stateDir, "second")
	exit, exited := second.Exited(30 * time.Second)
	if !exited {
		t.Fatalf("the second agent still runs after 30s:\n%s", second.Log())
	}
	said := second.Log()
	if ee, ok := exit.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("second agent exit = %v, want exit status 1:\n%s", exit, said)
	}
	for _, want := range []string{filepath.Join(stateDir, dirlock.LockFile), `agent "first"`, fmt.Sprintf("pid %d", first.Pid())} {
		if !strings.Contains(said, want) {
			t.Errorf("second agent's message does not say %s:\n%s", want, said)
		}
	}
	// The refusal comes before the store is opened and before anything is served or run (the
	// first agent keeps writing status.json, so its content proves nothing here).
	if strings.Contains(said, "agent started") {
		t.Errorf("the refused agent started:\n%s", said)
	}
	if holderPID(stateDir) != first.Pid() {
		t.Error("the refused agent changed the lock's holder")
	}
	if !first.Running() {
		t.Fatalf("the first agent stopped:\n%s", first.Log())
	}

	// A graceful stop releases the lock; a crash (SIGKILL) releases it too.
	if err := first.Stop(); err != nil {
		t.Fatalf("first agent: %v\n%s", err, first.Log())
	}
	third := startLockAgent(t, source, stateDir, "third")
	waitHolder(t, stateDir, third)
	third.Kill()
	fourth := startLockAgent(t, source, stateDir, "fourth")
	waitHolder(t, stateDir, fourth)
}
