package tnsnames

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Errors of Resolve, for errors.Is: the name is not defined, or its definition is broken.
var (
	ErrNotFound = errors.New("tnsnames.ora alias not found")
	ErrBroken   = errors.New("tnsnames.ora entry has an error")
)

// lookupError carries one of the sentinels above without repeating its text.
type lookupError struct {
	kind, cause error
	msg         string
}

func (e *lookupError) Error() string   { return e.msg }
func (e *lookupError) Unwrap() []error { return []error{e.kind, e.cause} }

// Resolution is what Oracle Net uses for one alias, as tnsping reports it: the entry of the
// last definition of the name looked up, where it came from, and the warnings that applied.
type Resolution struct {
	// Alias is the name asked for; Name is the name looked up: Alias with sqlnet.ora's
	// NAMES.DEFAULT_DOMAIN appended when Alias has no domain, or without its final "." when
	// it ends with one (Oracle's way to ask for an unqualified name).
	Alias, Name string
	// Entry is the definition used; Entry.Pos is its file and line.
	*Entry
	// File is the tnsnames.ora read; Sqlnet the sqlnet.ora beside it ("" when there is none).
	File, Sqlnet string
	// DefaultDomain is NAMES.DEFAULT_DOMAIN from Sqlnet ("" when unset).
	DefaultDomain string
	// Warnings are the problems Oracle Net passes over for this alias: other definitions of
	// it, parameters given twice in its entry, entries skipped for syntax errors, includes
	// that could not be read.
	Warnings []string
}

// Source is "file:line" of the definition used.
func (r *Resolution) Source() string { return fmt.Sprintf("%s:%d", r.Pos.File, r.Pos.Line) }

// Resolve resolves alias the way Oracle Net's local naming does, in the tnsnames.ora at path
// (or in the folder path, as TNS_ADMIN): NAMES.DEFAULT_DOMAIN from a sqlnet.ora in the same
// folder qualifies an unqualified alias; names compare case-insensitively; the last definition
// of a name wins (includes count where their IFILE stands); an entry with a syntax error is
// skipped with a warning unless it is the definition asked for, which is an error naming its
// file:line. The vaultkeeper checks and the go-ora connection resolve through this function.
func Resolve(path, alias string) (*Resolution, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "tnsnames.ora")
	}
	f, err := Read(path)
	if err != nil {
		return nil, err
	}
	r := &Resolution{Alias: alias, File: path}
	sq := filepath.Join(filepath.Dir(path), "sqlnet.ora")
	domain, err := ReadDefaultDomain(sq)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s cannot be read, so NAMES.DEFAULT_DOMAIN is not applied: %v", sq, err))
	default:
		r.Sqlnet, r.DefaultDomain = sq, domain
	}
	return f.resolve(r)
}

// QualifiedName is the name Oracle Net looks up for alias under NAMES.DEFAULT_DOMAIN domain.
func QualifiedName(alias, domain string) string {
	switch {
	case strings.HasSuffix(alias, "."):
		return strings.TrimSuffix(alias, ".")
	case domain == "" || strings.Contains(alias, "."):
		return alias
	}
	return alias + "." + domain
}

func (f *File) resolve(r *Resolution) (*Resolution, error) {
	r.Name = QualifiedName(r.Alias, r.DefaultDomain)
	key := strings.ToUpper(r.Name)
	if r.Name != r.Alias && !strings.HasSuffix(r.Alias, ".") {
		r.Warnings = append(r.Warnings, fmt.Sprintf("NAMES.DEFAULT_DOMAIN = %s in %s: %s is looked up as %s", r.DefaultDomain, r.Sqlnet, r.Alias, r.Name))
	}
	def, ok := f.index[key]
	for _, d := range f.Duplicates {
		if strings.EqualFold(d.Alias, r.Name) {
			r.Warnings = append(r.Warnings, d.String())
		}
	}
	if ok && def.broken != nil {
		return nil, &lookupError{kind: ErrBroken, cause: def.broken.Err,
			msg: fmt.Sprintf("tnsnames.ora entry %s (%s) has an error, so Oracle Net cannot resolve it: %v", r.Name, def.pos, def.broken.Err)}
	}
	for _, e := range f.Errors { // also an earlier, broken definition of this very name
		r.Warnings = append(r.Warnings, "skipped (Oracle Net passes over it too): "+e.Error())
	}
	if !ok {
		return nil, f.notFound(r)
	}
	r.Entry = def.entry
	r.Warnings = append(r.Warnings, def.entry.Warnings...)
	return r, nil
}

// notFound explains a name that is not defined, with the near misses Oracle Net users trip on.
func (f *File) notFound(r *Resolution) error {
	msg := fmt.Sprintf("tnsnames.ora %s has no alias %s", f.Name, r.Name)
	if r.Name != r.Alias {
		msg = fmt.Sprintf("tnsnames.ora %s has no alias %s (%s qualified by NAMES.DEFAULT_DOMAIN = %s in %s)", f.Name, r.Name, r.Alias, r.DefaultDomain, r.Sqlnet)
		if d, ok := f.index[strings.ToUpper(strings.TrimSuffix(r.Alias, "."))]; ok {
			msg += fmt.Sprintf("; %s at %s has no domain, and Oracle Net only finds it as %q (with a final dot) or when the entry is named %s", strings.TrimSuffix(r.Alias, "."), d.pos, strings.TrimSuffix(r.Alias, ".")+".", r.Name)
		}
	}
	if n := len(f.Errors); n > 0 {
		msg += fmt.Sprintf("; %d part(s) of the file could not be read and may hold it, the first: %v", n, f.Errors[0])
	}
	return &lookupError{kind: ErrNotFound, msg: msg}
}

// ReadDefaultDomain returns NAMES.DEFAULT_DOMAIN from the sqlnet.ora at path ("" when it is
// not set; the last setting wins). Only that parameter is read: a line starting in column 1
// with NAMES.DEFAULT_DOMAIN (any case), "=", the value, an optional "#" comment.
func ReadDefaultDomain(path string) (string, error) {
	data, err := readLimited(path)
	if err != nil {
		return "", err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	domain := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileSize)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line == "" || isBlank(line[0]) {
			continue // blank, comment, or the continuation of another parameter
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "NAMES.DEFAULT_DOMAIN") {
			continue
		}
		domain = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return domain, sc.Err()
}
