package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// ErrNotASet is returned for folders that are not backup sets (no valid vaultkeeper.json).
var ErrNotASet = errors.New("not a backup set")

// ReadMeta reads and checks dir's vaultkeeper.json. A missing file is ErrNotASet; a file that
// does not parse, or that a newer vaultkeeper wrote, is an error wrapping ErrNotASet too.
func ReadMeta(dir string) (*Meta, error) {
	p := filepath.Join(dir, FileMetadata)
	raw, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no %s: %w", dir, FileMetadata, ErrNotASet)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	var m Meta
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", p, ErrNotASet, err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", p, ErrNotASet, err)
	}
	return &m, nil
}

// Validate checks what makes a record usable: a known format and a valid set id.
func (m *Meta) Validate() error {
	if m.Format < 1 || m.Format > MetaFormat {
		return fmt.Errorf("format %d: this vaultkeeper reads formats 1 to %d", m.Format, MetaFormat)
	}
	if _, err := ParseSetID(m.ID); err != nil {
		return err
	}
	if !validServer(m.Server) {
		return fmt.Errorf("server %q: not a valid name", m.Server)
	}
	return nil
}

// WriteMeta writes m as dir's vaultkeeper.json atomically (temporary file, fsync, rename,
// fsync of dir). A zero Format is set to MetaFormat.
func WriteMeta(dir string, m *Meta) error {
	if m.Format == 0 {
		m.Format = MetaFormat
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("write %s in %s: %w", FileMetadata, dir, err)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s for %s: %w", FileMetadata, dir, err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, FileMetadata), append(raw, '\n'), 0o644)
}

// KeepVerifications bounds the verification results kept in a set's record.
const KeepVerifications = 20

// AppendVerifications adds vs to the record of the set in dir, keeping the newest
// KeepVerifications results, and rewrites it atomically.
func AppendVerifications(dir string, vs []Verification) error {
	m, err := ReadMeta(dir)
	if err != nil {
		return err
	}
	m.Verifications = append(m.Verifications, vs...)
	if n := len(m.Verifications); n > KeepVerifications {
		m.Verifications = m.Verifications[n-KeepVerifications:]
	}
	return WriteMeta(dir, m)
}
