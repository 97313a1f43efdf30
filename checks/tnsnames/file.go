package tnsnames

import (
	"errors"
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
	// Duplicates lists aliases defined again after an earlier definition.
	Duplicates []Duplicate
	// Errors are the problems skipped while reading: entries with a syntax error and
	// includes that could not be read, in file order. Parse, ParseFile and ParseFS fail with
	// the first; Read keeps the rest of the file usable, as Oracle clients do.
	Errors []error
	// Broken are the entries among Errors whose names could be read.
	Broken []Broken

	index map[string]definition
}

// Broken is an entry whose names were read but whose value has an error.
type Broken struct {
	Aliases []string
	Pos     Pos // where the entry's first alias is written
	Err     error
}

// definition is the last definition of one alias: an entry, or a broken one.
type definition struct {
	entry  *Entry
	broken *Broken
	pos    Pos
}

// Duplicate is an alias defined more than once; Lookup uses Last, as Oracle Net does.
type Duplicate struct {
	Alias string
	First Pos // the previous definition
	Last  Pos // the definition that wins
}

func (d Duplicate) String() string {
	return fmt.Sprintf("alias %s is defined at %s and again at %s; Oracle Net uses the last one (%s)", d.Alias, d.First, d.Last, d.Last)
}

// Lookup returns the entry for alias, compared case-insensitively. When an alias is defined
// more than once the last definition wins, as in Oracle Net (includes count where their IFILE
// stands). A last definition that is broken is not found; Resolve says why.
func (f *File) Lookup(alias string) (*Entry, bool) {
	d, ok := f.index[strings.ToUpper(alias)]
	return d.entry, ok && d.entry != nil
}

func (f *File) add(names []string, root *Node, at Pos) {
	e, err := newEntry(names, root, at)
	if err != nil {
		f.broken(names, at, err)
		return
	}
	f.Entries = append(f.Entries, e)
	f.define(names, definition{entry: e, pos: at})
}

// broken records an entry written at at that has an error; names is nil when they could not
// be read.
func (f *File) broken(names []string, at Pos, err error) {
	f.Errors = append(f.Errors, err)
	if len(names) == 0 {
		return
	}
	b := Broken{Aliases: names, Pos: at, Err: err}
	f.Broken = append(f.Broken, b)
	f.define(names, definition{broken: &b, pos: at})
}

func (f *File) define(names []string, d definition) {
	for _, n := range names {
		k := strings.ToUpper(n)
		if prev, ok := f.index[k]; ok {
			f.Duplicates = append(f.Duplicates, Duplicate{Alias: n, First: prev.pos, Last: d.pos})
		}
		f.index[k] = d
	}
}

// state is shared by a file and the files it includes.
type state struct {
	out      *File
	load     func(name string) ([]byte, error)
	join     func(including, name string) string
	includes int
	stack    []string
	parseErr error // what ended the top-level parse, if anything
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
		return &fatalError{errorf(at, "IFILE %q: more than %d includes", value, MaxIncludes)}
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
		var fe *fatalError
		if errors.As(err, &fe) {
			return &fatalError{fmt.Errorf("%w (included from %s)", fe.err, at)}
		}
		return fmt.Errorf("%w (included from %s)", err, at)
	}
	return nil
}

func newFile(name string) *File { return &File{Name: name, index: map[string]definition{}} }

// Parse reads a tnsnames.ora held in memory; name is used in errors. It reads no files, so
// an IFILE is an error: use ParseFile or ParseFS for files with includes.
func Parse(name string, data []byte) (*File, error) {
	st := &state{out: newFile(name)}
	return st.strict(st.run(name, data, 0))
}

// strict turns a parse into Parse's answer: the first problem, also a skipped one, fails.
func (st *state) strict(err error) (*File, error) {
	if err = st.lenient(err); err != nil {
		return nil, err
	}
	if len(st.out.Errors) > 0 {
		return nil, st.out.Errors[0]
	}
	return st.out, nil
}

// lenient unwraps an error that ended the parse; skipped problems stay in File.Errors.
func (st *state) lenient(err error) error {
	var fe *fatalError
	if errors.As(err, &fe) {
		return fe.err
	}
	return err
}

// ParseFile reads the tnsnames.ora at path, following IFILE includes on the local file
// system (relative names are relative to the including file's folder).
func ParseFile(p string) (*File, error) {
	st, err := readFile(p)
	if err != nil {
		return nil, err
	}
	return st.strict(st.parseErr)
}

// Read reads the tnsnames.ora at path as Oracle clients do: an entry with a syntax error, or
// an IFILE that cannot be read, is skipped and listed in File.Errors (and File.Broken), and
// the other entries stay usable. The error is for a file that cannot be read at all, or for
// input beyond the parser's limits.
func Read(path string) (*File, error) {
	st, err := readFile(path)
	if err != nil {
		return nil, err
	}
	if err := st.lenient(st.parseErr); err != nil {
		return nil, err
	}
	return st.out, nil
}

func readFile(p string) (*state, error) {
	st := &state{out: newFile(p), load: readLimited, join: joinOS}
	data, err := readLimited(p)
	if err != nil {
		return nil, fmt.Errorf("read tnsnames.ora: %w", err) // err names the file
	}
	st.parseErr = st.run(p, data, 0)
	return st, nil
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
	return st.strict(st.run(name, data, 0))
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
