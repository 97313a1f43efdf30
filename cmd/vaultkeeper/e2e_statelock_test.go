package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/dirlock"
)

// lockAgent is one `vaultkeeper run` process for the state-dir lock test. It relies only on
// binDir (the binaries TestMain builds), so that it survives changes to the e2e helpers.
type lockAgent struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan struct{} // closed when the process has exited; err is then its result
	err  error
}

// wait returns the exit result, failing the test after limit.
func (a *lockAgent) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case <-a.done:
		return a.err
	case <-time.After(limit):
		t.Fatalf("agent pid %d still runs after %s:\n%s", a.cmd.Process.Pid, limit, a.out.String())
		return nil
	}
}

func (a *lockAgent) exited() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

func startLockAgent(t *testing.T, source, stateDir, name string) *lockAgent {
	t.Helper()
	a := &lockAgent{done: make(chan struct{})}
	a.cmd = exec.Command(filepath.Join(binDir, "vaultkeeper"), "run", "--source", source, "--agent", name,
		"--state-dir", stateDir, "--listen", "127.0.0.1:0", "--interval", "1h", "--shutdown-timeout", "10s")
	a.cmd.Stdout, a.cmd.Stderr = &a.out, &a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.err = a.cmd.Wait(); close(a.done) }()
	t.Cleanup(func() {
		if !a.exited() {
			a.cmd.Process.Kill()
			<-a.done
		}
	})
	return a
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
func waitHolder(t *testing.T, stateDir string, a *lockAgent) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for holderPID(stateDir) != a.cmd.Process.Pid {
		if a.exited() {
			t.Fatalf("agent exited (%v) before holding the state dir:\n%s", a.err, a.out.String())
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent pid %d never held %s:\n%s", a.cmd.Process.Pid, stateDir, a.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
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
	exit := second.wait(t, 30*time.Second)
	said := second.out.String()
	if ee, ok := exit.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("second agent exit = %v, want exit status 1:\n%s", exit, said)
	}
	for _, want := range []string{filepath.Join(stateDir, dirlock.LockFile), `agent "first"`, fmt.Sprintf("pid %d", first.cmd.Process.Pid)} {
		if !strings.Contains(said, want) {
			t.Errorf("second agent's message does not say %s:\n%s", want, said)
		}
	}
	// The refusal comes before the store is opened and before anything is served or run (the
	// first agent keeps writing status.json, so its content proves nothing here).
	if strings.Contains(said, "agent started") {
		t.Errorf("the refused agent started:\n%s", said)
	}
	if holderPID(stateDir) != first.cmd.Process.Pid {
		t.Error("the refused agent changed the lock's holder")
	}
	if first.exited() {
		t.Fatalf("the first agent stopped (%v):\n%s", first.err, first.out.String())
	}

	// A graceful stop releases the lock; a crash (SIGKILL) releases it too.
	first.cmd.Process.Signal(syscall.SIGTERM)
	if err := first.wait(t, 30*time.Second); err != nil {
		t.Fatalf("first agent: %v\n%s", err, first.out.String())
	}
	third := startLockAgent(t, source, stateDir, "third")
	waitHolder(t, stateDir, third)
	third.cmd.Process.Kill()
	third.wait(t, 30*time.Second)
	fourth := startLockAgent(t, source, stateDir, "fourth")
	waitHolder(t, stateDir, fourth)
}
