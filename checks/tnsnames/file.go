package tnsnames

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// File is a parsed tnsnames.ora with its includes expanded in place.
type File struct {
	// Name is the name the file was parsed under.
	Name string
	// Entries are the net service name entries in file order, duplicates included.
	Entries []*Entry
	// Params are top-level parameters whose value is a single word (other than IFILE).
	Params []Param
	// Includes are the files read through IFILE, in the order they were read.
	Includes []string
	// Duplicates lists aliases defined again after their first definition.
	Duplicates []Duplicate

	index map[string]*Entry
}

// Duplicate is an alias defined more than once; Lookup uses First.
type Duplicate struct {
	Alias string
	First Pos
	Again Pos
}

func (d Duplicate) String() string {
	return fmt.Sprintf("%s: alias %s is already defined at %s; the first definition is used", d.Again, d.Alias, d.First)
}

// Lookup returns the entry for alias, compared case-insensitively. When an alias is defined
// more than once the first definition wins.
func (f *File) Lookup(alias string) (*Entry, bool) {
	e, ok := f.index[strings.ToUpper(alias)]
	return e, ok
}

func (f *File) add(names []string, root *Node, at Pos) error {
	e, err := newEntry(names, root, at)
	if err != nil {
		return err
	}
	f.Entries = append(f.Entries, e)
	for _, n := range names {
		k := strings.ToUpper(n)
		if first, ok := f.index[k]; ok {
			f.Duplicates = append(f.Duplicates, Duplicate{Alias: n, First: first.Pos, Again: at})
			continue
		}
		f.index[k] = e
	}
	return nil
}

// state is shared by a file and the files it includes.
type state struct {
	out      *File
	load     func(name string) ([]byte, error)
	join     func(including, name string) string
	includes int
	stack    []string
}

func (st *state) run(name string, data []byte, depth int) error {
	if len(data) > MaxFileSize {
		return errorf(Pos{File: name, Line: 1, Col: 1}, "file is %d bytes, more than the %d byte limit", len(data), MaxFileSize)
	}
	st.stack = append(st.stack, name)
	defer func() { st.stack = st.stack[:len(st.stack)-1] }()
	p := &parser{lx: newLexer(name, data), st: st, depth: depth}
	return p.parse()
}

// include reads the file named by an IFILE value and parses it in place.
func (st *state) include(p *parser, value string, at Pos) error {
	if st.load == nil {
		return errorf(at, "IFILE %q: includes need a file system (use ParseFile or ParseFS)", value)
	}
	if value == "" {
		return errorf(at, "IFILE has an empty file name")
	}
	if p.depth+1 > MaxIncludeDepth {
		return errorf(at, "IFILE %q: includes nested more than %d deep", value, MaxIncludeDepth)
	}
	st.includes++
	if st.includes > MaxIncludes {
		return errorf(at, "IFILE %q: more than %d includes", value, MaxIncludes)
	}
	name := st.join(at.File, value)
	for i, s := range st.stack {
		if s == name {
			chain := append(append([]string{}, st.stack[i:]...), name)
			return errorf(at, "IFILE cycle: %s", strings.Join(chain, " -> "))
		}
	}
	data, err := st.load(name)
	if err != nil {
		return &Error{Pos: at, Msg: fmt.Sprintf("IFILE %q", value), Err: err}
	}
	st.out.Includes = append(st.out.Includes, name)
	if err := st.run(name, data, p.depth+1); err != nil {
		return fmt.Errorf("%w (included from %s)", err, at)
	}
	return nil
}

func newFile(name string) *File { return &File{Name: name, index: map[string]*Entry{}} }

// Parse reads a tnsnames.ora held in memory; name is used in errors. It reads no files, so
// an IFILE is an error: use ParseFile or ParseFS for files with includes.
func Parse(name string, data []byte) (*File, error) {
	st := &state{out: newFile(name)}
	if err := st.run(name, data, 0); err != nil {
		return nil, err
	}
	return st.out, nil
}

// ParseFile reads the tnsnames.ora at path, following IFILE includes on the local file
// system (relative names are relative to the including file's folder).
func ParseFile(p string) (*File, error) {
	st := &state{out: newFile(p), load: readLimited, join: joinOS}
	data, err := readLimited(p)
	if err != nil {
		return nil, fmt.Errorf("read tnsnames.ora: %w", err) // err names the file
	}
	if err := st.run(p, data, 0); err != nil {
		return nil, err
	}
	return st.out, nil
}

// ParseFS reads the tnsnames.ora named name in fsys, following IFILE includes inside fsys
// (relative names are relative to the including file's folder, absolute ones are rooted at fsys).
func ParseFS(fsys fs.FS, name string) (*File, error) {
	load := func(n string) ([]byte, error) {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readAtMost(f, n)
	}
	st := &state{out: newFile(name), load: load, join: joinFS}
	data, err := load(name)
	if err != nil {
		return nil, fmt.Errorf("read tnsnames.ora %q: %w", name, err)
	}
	if err := st.run(name, data, 0); err != nil {
		return nil, err
	}
	return st.out, nil
}

// ErrTooLarge is returned (wrapped) for a file larger than MaxFileSize.
var ErrTooLarge = capread.ErrTooLarge

// readLimited reads a file of the local file system, refusing it from its size when it is
// larger than MaxFileSize.
func readLimited(name string) ([]byte, error) { return capread.ReadFile(name, MaxFileSize) }

func readAtMost(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is more than %d bytes: %w", name, MaxFileSize, ErrTooLarge)
	}
	return data, nil
}

// joinOS resolves an IFILE name against the including file on the local file system.
func joinOS(including, name string) string {
	if filepath.IsAbs(name) || isWindowsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(filepath.Dir(including), name)
}

func joinFS(including, name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(name, "/") {
		return path.Clean(strings.TrimPrefix(name, "/"))
	}
	return path.Join(path.Dir(including), name)
}

// isWindowsAbs recognises C:\… and \\server\… names, which are absolute on Windows.
func isWindowsAbs(name string) bool {
	if strings.HasPrefix(name, `\\`) {
		return true
	}
	return len(name) >= 3 && name[1] == ':' && (name[2] == '\\' || name[2] == '/') &&
		(name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z')
}
