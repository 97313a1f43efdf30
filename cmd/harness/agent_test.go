package harness

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestAgentsGetTheirOwnPorts: agents started at once with --listen 127.0.0.1:0 each write the
// address they were given to their state dir, log it, and answer there; Stop ends them.
func TestAgentsGetTheirOwnPorts(t *testing.T) {
	agents := make([]*Agent, 3)
	for i := range agents { // all three processes start before any is waited for
		dir := t.TempDir()
		repo := filepath.Join(dir, "repo")
		if err := os.MkdirAll(repo, 0o755); err != nil {
			t.Fatal(err)
		}
		agents[i] = Launch(t, Options{Source: repo, StateDir: filepath.Join(dir, "state")})
	}
	for _, a := range agents {
		a.WaitReady()
	}
	seen := map[string]bool{}
	for i, a := range agents {
		if a.Addr == "" || seen[a.Addr] || !strings.HasPrefix(a.Addr, "127.0.0.1:") || strings.HasSuffix(a.Addr, ":0") {
			t.Fatalf("agent %d: address %q (seen: %v)", i, a.Addr, seen)
		}
		seen[a.Addr] = true
		if !strings.Contains(a.Log(), a.Addr) {
			t.Errorf("agent %d did not log its address %s:\n%s", i, a.Addr, a.Log())
		}
		var src struct {
			LastApplied string `json:"lastAppliedRevision"`
		}
		a.Get("source", &src)
		if src.LastApplied == "" {
			t.Errorf("agent %d at %s: no revision applied", i, a.Addr)
		}
	}
	for i, a := range agents {
		if err := a.Stop(); err != nil {
			t.Errorf("agent %d: %v", i, err)
		}
		if _, exited := a.Exited(time.Millisecond); !exited {
			t.Errorf("agent %d still runs after Stop", i)
		}
		if addr, err := state.ListenAddr(a.StateDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("agent %d left listen-addr %q (%v) after a graceful stop", i, addr, err)
		}
	}
}
