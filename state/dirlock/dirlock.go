package dirlock

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// File names in the state dir.
const (
	LockFile = "agent.lock"
	IDFile   = "agent-id"
)

// lockOffset is the byte the lock covers: far past the holder's description (see doc.go).
const lockOffset = 1 << 30

// Holder describes the process holding the lock.
type Holder struct {
	Agent string    `json:"agent"`
	PID   int       `json:"pid"`
	Host  string    `json:"host,omitempty"`
	Since time.Time `json:"since"`
}

func (h Holder) String() string {
	if h.Agent == "" && h.PID == 0 {
		return "an unknown process"
	}
	s := fmt.Sprintf("agent %q (pid %d", h.Agent, h.PID)
	if h.Host != "" {
		s += " on " + h.Host
	}
	if !h.Since.IsZero() {
		s += ", since " + h.Since.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// ErrHeld is wrapped by Acquire's error when another process holds the lock.
var ErrHeld = errors.New("state dir is in use")

// HeldError says who holds the lock.
type HeldError struct {
	Path   string
	Holder Holder
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s: %v by %s; one agent per state dir: stop it or use another --state-dir", e.Path, ErrHeld, e.Holder)
}

func (e *HeldError) Unwrap() error { return ErrHeld }

// Lock is a held state-dir lock.
type Lock struct {
	f    *os.File
	path string
}

// Acquire takes the lock of dir (which must exist) for h without waiting. When another
// process holds it, the error is a *HeldError naming the holder. Since, PID and Host are
// filled in when zero.
func Acquire(dir string, h Holder) (*Lock, error) {
	p := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state dir lock %s: %w", p, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("state dir lock %s: %w", p, err)
	}
	if held {
		defer f.Close()
		return nil, &HeldError{Path: p, Holder: readHolder(f)}
	}
	if h.PID == 0 {
		h.PID = os.Getpid()
	}
	if h.Host == "" {
		h.Host, _ = os.Hostname()
	}
	if h.Since.IsZero() {
		h.Since = time.Now().UTC()
	}
	b, _ := json.Marshal(h)
	if err := writeHolder(f, append(b, '\n')); err != nil {
		unlock(f)
		f.Close()
		return nil, fmt.Errorf("state dir lock %s: %w", p, err)
	}
	return &Lock{f: f, path: p}, nil
}

func writeHolder(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

func readHolder(f *os.File) Holder {
	var h Holder
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	_ = json.Unmarshal([]byte(strings.TrimSpace(string(b[:n]))), &h)
	return h
}

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

// Release gives the lock up. The holder's description is cleared first, so that a reader
// never names a process that no longer holds it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	err = errors.Join(err, l.f.Close())
	l.f = nil
	if err != nil {
		return fmt.Errorf("release %s: %w", l.path, err)
	}
	return nil
}

// InstanceID returns the state dir's instance id, creating it (0600) on first use. It
// identifies this state dir, not the agent name: two state dirs of one agent name differ.
func InstanceID(dir string) (string, error) {
	p := filepath.Join(dir, IDFile)
	b, err := os.ReadFile(p)
	if err == nil {
		id := strings.TrimSpace(string(b))
		if len(id) == 32 {
			if _, err := hex.DecodeString(id); err == nil {
				return id, nil
			}
		}
		return "", fmt.Errorf("state dir id %s is damaged (%d bytes): move it away to give this state dir a new identity", p, len(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("state dir id %s: %w", p, err)
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw[:])
	if err := atomicfile.WriteFile(p, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("state dir id %s: %w", p, err)
	}
	return id, nil
}
