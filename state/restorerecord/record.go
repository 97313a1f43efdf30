package restorerecord

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// FileName is the record's file in the target's install dir.
const FileName = "vaultkeeper-restores.jsonl"

// Events.
const (
	// Begun is written before the first destructive step (avbackup restore, DROP USER).
	Begun = "begun"
	// Completed is written after the restore was verified.
	Completed = "completed"
)

// Entry is one event of the record.
type Entry struct {
	Event string `json:"event"`
	// Run is the run id; it ties a completed event to its begun event.
	Run string `json:"run"`
	// Restore is the Restore's name, SpecHash the hash of what it asks the target to hold.
	Restore  string `json:"restore"`
	SpecHash string `json:"specHash"`
	// Set is the restored set id, Policy the policy that made it and SourceAgent the agent
	// that made it (from its vaultkeeper.json).
	Set         string `json:"set"`
	Policy      string `json:"policy,omitempty"`
	SourceAgent string `json:"sourceAgent,omitempty"`
	// Agent is the agent that applied the restore.
	Agent string    `json:"agent"`
	Time  time.Time `json:"time"`
}

// line is what is written: the entry's bytes exactly as hashed, and their SHA-256.
type line struct {
	Entry  json.RawMessage `json:"entry"`
	SHA256 string          `json:"sha256"`
}

// Path is the record's path in installDir.
func Path(installDir string) string { return filepath.Join(installDir, FileName) }

// Begin appends a begun event for e (Event and, when zero, Time are set) and returns it. It
// returns only once the line is on stable storage; no destructive step may run before.
func Begin(installDir string, e Entry) (Entry, error) {
	e.Event = Begun
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if err := check(e); err != nil {
		return e, fmt.Errorf("restore record %s: %w", Path(installDir), err)
	}
	return e, appendEntry(installDir, e)
}

// Complete appends the completed event of begun, dated at (now when zero).
func Complete(installDir string, begun Entry, at time.Time) error {
	if begun.Event != Begun {
		return fmt.Errorf("restore record %s: complete run %s: the entry is a %q event, want %q", Path(installDir), begun.Run, begun.Event, Begun)
	}
	if at.IsZero() {
		at = time.Now().UTC()
	}
	e := begun
	e.Event, e.Time = Completed, at
	return appendEntry(installDir, e)
}

func check(e Entry) error {
	for _, f := range []struct{ name, v string }{{"run", e.Run}, {"restore", e.Restore}, {"specHash", e.SpecHash}, {"set", e.Set}, {"agent", e.Agent}} {
		if f.v == "" {
			return fmt.Errorf("entry has no %s", f.name)
		}
	}
	return nil
}

// appendEntry writes one line with O_APPEND and fsyncs it. When the file ends in a torn line
// (a crash during an earlier append), a newline first keeps the new line whole.
func appendEntry(installDir string, e Entry) error {
	p := Path(installDir)
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("restore record %s: %w", p, err)
	}
	sum := sha256.Sum256(raw)
	b, err := json.Marshal(line{Entry: raw, SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return fmt.Errorf("restore record %s: %w", p, err)
	}
	_, statErr := os.Lstat(p)
	created := errors.Is(statErr, os.ErrNotExist)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("restore record %s: %w", p, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("restore record %s: %w", p, err)
	}
	if n := fi.Size(); n > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, n-1); err != nil {
			return fmt.Errorf("restore record %s: %w", p, err)
		}
		if last[0] != '\n' {
			b = append([]byte{'\n'}, b...)
		}
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("restore record %s: append %s event: %w", p, e.Event, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("restore record %s: fsync: %w", p, err)
	}
	if created {
		if err := atomicfile.SyncDir(installDir); err != nil {
			return fmt.Errorf("restore record %s: %w", p, err)
		}
	}
	return nil
}

// Damaged is a line of the record that is not an event: torn by a crash during an append,
// or edited.
type Damaged struct {
	Line   int // 1-based
	Reason string
}

// Record is the record as read.
type Record struct {
	Path    string
	Entries []Entry // the valid events, in file order
	Damaged []Damaged
	lines   []int // line number of each entry
}

// Read reads installDir's record. A missing file is an empty record (no restore was ever
// applied to this target by vaultkeeper); a file that cannot be read is an error.
func Read(installDir string) (*Record, error) {
	p := Path(installDir)
	r := &Record{Path: p}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("restore record %s: %w", p, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("restore record %s: line %d: %w", p, n, err)
		}
		torn := !bytes.HasSuffix(b, []byte{'\n'})
		b = bytes.TrimSpace(b)
		if len(b) > 0 {
			if e, why := parse(b); why != "" {
				if torn {
					why = "torn last line (a crash during an append?): " + why
				}
				r.Damaged = append(r.Damaged, Damaged{Line: n, Reason: why})
			} else {
				r.Entries = append(r.Entries, e)
				r.lines = append(r.lines, n)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return r, nil
}

func parse(b []byte) (Entry, string) {
	var l line
	if err := json.Unmarshal(b, &l); err != nil {
		return Entry{}, "not a JSON line: " + err.Error()
	}
	sum := sha256.Sum256(l.Entry)
	if len(l.Entry) == 0 || hex.EncodeToString(sum[:]) != l.SHA256 {
		return Entry{}, "checksum mismatch"
	}
	var e Entry
	if err := json.Unmarshal(l.Entry, &e); err != nil {
		return Entry{}, "entry: " + err.Error()
	}
	if e.Event != Begun && e.Event != Completed {
		return Entry{}, fmt.Sprintf("unknown event %q", e.Event)
	}
	if err := check(e); err != nil {
		return Entry{}, err.Error()
	}
	return e, ""
}
