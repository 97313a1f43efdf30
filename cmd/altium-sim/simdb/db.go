package simdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNoDatabase is returned by Open when ROOT/oracle/db.json does not exist.
var ErrNoDatabase = errors.New("no simulated database (run altium-sim init)")

// DB is an open, locked database. Change State directly or through its methods, then Save.
type DB struct {
	State
	root string
	lock *os.File
}

// Dir returns ROOT/oracle, the database's folder.
func Dir(root string) string { return filepath.Join(root, "oracle") }

func dataPath(root string) string { return filepath.Join(Dir(root), "db.json") }
func lockPath(root string) string { return filepath.Join(Dir(root), "db.lock") }

// Open locks the database of the host at root (blocking until no other process holds it)
// and loads its state. Close releases the lock.
func Open(root string) (*DB, error) {
	if err := os.MkdirAll(Dir(root), 0o755); err != nil {
		return nil, fmt.Errorf("open simulated database %q: %w", root, err)
	}
	lf, err := os.OpenFile(lockPath(root), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %q: %w", lockPath(root), err)
	}
	if err := lockFile(lf); err != nil {
		lf.Close()
		return nil, fmt.Errorf("lock %q: %w", lockPath(root), err)
	}
	db := &DB{root: root, lock: lf}
	raw, err := os.ReadFile(dataPath(root))
	if errors.Is(err, fs.ErrNotExist) {
		db.Close()
		return nil, fmt.Errorf("open %q: %w", dataPath(root), ErrNoDatabase)
	}
	if err == nil {
		err = json.Unmarshal(raw, &db.State)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read %q: %w", dataPath(root), err)
	}
	if db.Version != FormatVersion {
		db.Close()
		return nil, fmt.Errorf("read %q: format version %d, want %d", dataPath(root), db.Version, FormatVersion)
	}
	db.normalize()
	return db, nil
}

// Create writes a fresh database holding st at root, replacing any existing one.
func Create(root string, st State) error {
	if err := os.MkdirAll(Dir(root), 0o755); err != nil {
		return fmt.Errorf("create simulated database %q: %w", root, err)
	}
	st.Version = FormatVersion
	return writeAtomic(dataPath(root), &st)
}

// Root returns the host root the database belongs to.
func (db *DB) Root() string { return db.root }

// Save writes the state atomically (temp file, fsync, rename). The lock stays held.
func (db *DB) Save() error {
	if db.lock == nil {
		return fmt.Errorf("save %q: database is closed", dataPath(db.root))
	}
	db.Version = FormatVersion
	return writeAtomic(dataPath(db.root), &db.State)
}

// Close releases the lock without saving. Closing twice is harmless.
func (db *DB) Close() error {
	if db.lock == nil {
		return nil
	}
	err := unlockFile(db.lock)
	if cerr := db.lock.Close(); err == nil {
		err = cerr
	}
	db.lock = nil
	return err
}

func (db *DB) normalize() {
	if db.Users == nil {
		db.Users = map[string]*User{}
	}
	if db.Directories == nil {
		db.Directories = map[string]string{}
	}
	for _, u := range db.Users {
		if u.Objects == nil {
			u.Objects = map[string]int{}
		}
	}
}

func writeAtomic(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %q: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".db-*.tmp")
	if err != nil {
		return fmt.Errorf("write %q: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(raw, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %q: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %q: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %q: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %q to %q: %w", tmp.Name(), path, err)
	}
	return nil
}
