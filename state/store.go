package state

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// File names in the state dir.
const (
	statusFile = "status.json"
	tokenFile  = "api-token"
	runsDir    = "runs"
)

// Store is the agent's state. Status lives in one JSON document rewritten atomically on
// every change; each run's journal is its own file (runs/<id>.json) so that a step's start
// is durable before the step runs. It is safe for concurrent use.
type Store struct {
	dir string
	mu  sync.Mutex
	st  Status
	// HistoryPerObject bounds the finished runs kept per object (default 30: the status page charts the last 30 runs).
	HistoryPerObject int
	// Now is the clock of journal and condition times (default time.Now); set it before
	// the store is used.
	Now func() time.Time
}

// Open opens (creating it when needed) the state dir. A status file that cannot be read is
// an error, never silently replaced.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, runsDir), 0o700); err != nil {
		return nil, fmt.Errorf("state dir %s: %w", dir, err)
	}
	s := &Store{dir: dir, HistoryPerObject: 30, Now: time.Now}
	b, err := atomicfile.ReadFile(filepath.Join(dir, statusFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		s.st = newStatus()
	case err != nil:
		return nil, fmt.Errorf("state %s: %w", filepath.Join(dir, statusFile), err)
	default:
		if s.st, err = decodeStatus(b); err != nil {
			return nil, fmt.Errorf("state %s is damaged (move it away to start afresh): %w", filepath.Join(dir, statusFile), err)
		}
	}
	// A probe write makes a read-only state dir an error at start, not at the first backup.
	if err := writeFileAtomic(filepath.Join(dir, statusFile), mustJSON(s.st), 0o600); err != nil {
		return nil, fmt.Errorf("state dir %s is not writable: %w", dir, err)
	}
	return s, nil
}

// ReadStatus reads the status in dir without opening the store for writing (for `plan`). A
// missing file is a fresh agent's empty status; a damaged or empty-looking one is an error
// naming it, as in Open.
func ReadStatus(dir string) (Status, error) {
	p := filepath.Join(dir, statusFile)
	b, err := atomicfile.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return newStatus(), nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("state %s: %w", p, err)
	}
	st, err := decodeStatus(b)
	if err != nil {
		return Status{}, fmt.Errorf("state %s is damaged (move it away to start afresh): %w", p, err)
	}
	return st, nil
}

// Dir is the state dir.
func (s *Store) Dir() string { return s.dir }

// Update changes the status under the lock and persists it atomically. If persisting
// fails, the in-memory status is rolled back so memory and disk never disagree: for requests
// (suspend, resume) that the caller may repeat. Facts use Record.
func (s *Store) Update(fn func(st *Status)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.clone()
	s.st.now = s.now
	fn(&s.st)
	s.st.now = nil
	if err := writeFileAtomic(filepath.Join(s.dir, statusFile), mustJSON(s.st), 0o600); err != nil {
		s.st = old
		return fmt.Errorf("save state in %s: %w", s.dir, err)
	}
	return nil
}

// Record changes the status like Update, for facts that are already true (a run finished, a
// set was published): when persisting fails, memory keeps the change, because a failed save
// does not undo what happened, and the next successful save writes it. The error says that
// the disk is behind.
func (s *Store) Record(fn func(st *Status)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.now = s.now
	fn(&s.st)
	s.st.now = nil
	if err := writeFileAtomic(filepath.Join(s.dir, statusFile), mustJSON(s.st), 0o600); err != nil {
		return fmt.Errorf("save state in %s (kept in memory, saved with the next change): %w", s.dir, err)
	}
	return nil
}

// Snapshot returns a deep copy of the status.
func (s *Store) Snapshot() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.clone()
}

// Token returns the API token for write actions, creating it (0600) on first use.
func (s *Store) Token() (string, error) {
	p := filepath.Join(s.dir, tokenFile)
	if b, err := os.ReadFile(p); err == nil && len(b) >= 32 {
		return string(b), nil
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw[:])
	if err := writeFileAtomic(p, []byte(tok), 0o600); err != nil {
		return "", fmt.Errorf("api token %s: %w", p, err)
	}
	return tok, nil
}

// statusKeys are the members every status file this code writes carries; a file without them
// (empty, null, {}) is not a status that was ever saved, and reading it as an empty one would
// forget every applied restore.
var statusKeys = []string{"source", "objects", "policies", "restores"}

// decodeStatus parses a status file, refusing content that only looks like an empty status.
func decodeStatus(b []byte) (Status, error) {
	var st Status
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return st, err
	}
	if top == nil {
		return st, errors.New("it holds no status object (empty or null)")
	}
	for _, k := range statusKeys {
		if _, ok := top[k]; !ok {
			return st, fmt.Errorf("it has no %q member (a saved status always has one)", k)
		}
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, err
	}
	st.fill()
	return st, nil
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // only plain data types are marshalled
	}
	return b
}

// writeFileAtomic writes data to a temporary file in the same folder, fsyncs it, renames it
// over path and fsyncs the folder, so a crash leaves either the old or the new content.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return atomicfile.WriteFile(path, data, perm)
}

// now reads the store's clock in UTC.
func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
