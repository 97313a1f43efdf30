//go:build linux

package toolrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestToolDiesWithTheAgent: when the process running a tool is killed (an agent crash), the
// tool is killed too, so it cannot finish after the restarted agent recovered the host.
func TestToolDiesWithTheAgent(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	agent := exec.Command(exe, pidFile)
	agent.Env = append(os.Environ(), "TOOLRUN_HELPER=runner")
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for end := time.Now().Add(10 * time.Second); pid == 0; {
		if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 {
			pid, _ = strconv.Atoi(string(b))
		}
		if time.Now().After(end) {
			t.Fatal("the tool never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	agent.Process.Kill()
	agent.Wait()
	for end := time.Now().Add(5 * time.Second); alive(pid); {
		if time.Now().After(end) {
			t.Fatalf("tool %d still runs 5 s after the agent was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid runs (a zombie, dead but not yet reaped, is not alive).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}
