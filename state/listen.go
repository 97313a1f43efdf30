package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// listenFile holds the address the agent's HTTP server is bound to.
const listenFile = "listen-addr"

// SetListenAddr records addr, the address the agent's HTTP server is bound to, in the state
// dir (listen-addr), so that whoever started it with --listen 127.0.0.1:0 learns the port.
func (s *Store) SetListenAddr(addr string) error {
	p := filepath.Join(s.dir, listenFile)
	if err := writeFileAtomic(p, []byte(addr+"\n"), 0o600); err != nil {
		return fmt.Errorf("listen address %s: %w", p, err)
	}
	return nil
}

// ListenAddr returns the address recorded by SetListenAddr in state dir dir; an error wrapping
// os.ErrNotExist when the agent has not written it (yet).
func ListenAddr(dir string) (string, error) {
	p := filepath.Join(dir, listenFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("listen address %s: %w", p, err)
	}
	addr := strings.TrimSpace(string(b))
	if addr == "" {
		return "", fmt.Errorf("listen address %s: empty", p)
	}
	return addr, nil
}

// ClearListenAddr removes the recorded address (a stopped or killed agent leaves it behind).
func ClearListenAddr(dir string) error {
	err := os.Remove(filepath.Join(dir, listenFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("listen address: %w", err)
	}
	return nil
}
