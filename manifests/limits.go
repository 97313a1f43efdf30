package manifests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// Default size limits of a revision (flags --max-manifest-size and --max-revision-size).
const (
	DefaultMaxFileSize     = 1 << 20
	DefaultMaxRevisionSize = 16 << 20
)

// Limits bound what a revision may make the agent read. A zero field is its default.
type Limits struct {
	// File is the largest manifest file accepted, in bytes.
	File int64
	// Revision is the largest total of a revision's manifest files, in bytes.
	Revision int64
}

func (l Limits) withDefaults() Limits {
	if l.File <= 0 {
		l.File = DefaultMaxFileSize
	}
	if l.Revision <= 0 {
		l.Revision = DefaultMaxRevisionSize
	}
	return l
}

// LoadDir is LoadDir under the limits.
func (l Limits) LoadDir(dir string) (*Set, error) { return l.Load(os.DirFS(dir)) }

// LoadFile is LoadFile under the limits.
func (l Limits) LoadFile(file string) (*Set, error) {
	return l.loadMeasured(os.DirFS(filepath.Dir(file)), []string{filepath.Base(file)})
}

// Load is Load under the limits.
func (l Limits) Load(fsys fs.FS) (*Set, error) {
	files, err := listFiles(fsys)
	if err != nil {
		return nil, err
	}
	return l.loadMeasured(fsys, files)
}

// loadMeasured refuses files over the file limit and a revision over the revision limit from
// their sizes, before reading anything, then decodes the files.
func (l Limits) loadMeasured(fsys fs.FS, files []string) (*Set, error) {
	l = l.withDefaults()
	var errs ErrorList
	var total int64
	for _, f := range files {
		fi, err := fs.Stat(fsys, f)
		if err != nil {
			continue // reported when read
		}
		total += fi.Size()
		if fi.Size() > l.File {
			errs = append(errs, FieldError{File: f, Message: fmt.Sprintf("file is too large: %s, the limit is %s (--max-manifest-size)",
				capread.FormatSize(fi.Size()), capread.FormatSize(l.File))})
		}
	}
	if len(errs) == 0 && total > l.Revision { // a file over its own limit says enough
		errs = append(errs, FieldError{File: ".", Message: fmt.Sprintf("revision is too large: %d manifest files hold %s, the limit is %s (--max-revision-size)",
			len(files), capread.FormatSize(total), capread.FormatSize(l.Revision))})
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return loadFiles(fsys, files, l)
}
