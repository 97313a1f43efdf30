package localvault

import (
	"fmt"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// MaxFileSize is the largest file accepted.
const MaxFileSize = 1 << 20

// File is a parsed LocalVault.ini.
type File struct {
	// Name is the name the file was parsed under.
	Name string
	// Encoding is how the file was decoded (EncUTF8, EncUTF16LE, …).
	Encoding string
	// Entries are all key/value lines in file order, duplicates included.
	Entries []Entry
	// Duplicates are keys written again (in any section, since Get looks in all of them);
	// Get returns the first value.
	Duplicates []Duplicate
	// Warnings are lines that are neither blank, comment, section nor key=value.
	Warnings []Warning

	first map[string]int // upper-case key → index in Entries of its first occurrence
}

// Entry is one key=value line.
type Entry struct {
	Section string
	Key     string
	Value   string
	Line    int
}

// Duplicate is a key written more than once; Section is that of the repetition.
type Duplicate struct {
	File      string
	Section   string
	Key       string
	FirstLine int
	Line      int
	// Differs is true when the repeated value differs from the first one.
	Differs bool
}

func (d Duplicate) String() string {
	where := ""
	if d.Section != "" {
		where = " in [" + d.Section + "]"
	}
	return fmt.Sprintf("%s:%d: %s%s is already set at line %d; the first value is used", d.File, d.Line, d.Key, where, d.FirstLine)
}

// Warning is a line the parser ignored.
type Warning struct {
	File string
	Line int
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// Get returns the value of key, compared case-insensitively across all sections; the first
// occurrence wins.
func (f *File) Get(key string) (string, bool) {
	i, ok := f.first[strings.ToUpper(key)]
	if !ok {
		return "", false
	}
	return f.Entries[i].Value, true
}

// Keys returns every key (first occurrence, in its written case) with its value.
func (f *File) Keys() map[string]string {
	m := make(map[string]string, len(f.first))
	for _, i := range f.first {
		m[f.Entries[i].Key] = f.Entries[i].Value
	}
	return m
}

// ParseFile reads and parses the file at path.
func ParseFile(path string) (*File, error) {
	data, err := capread.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read LocalVault.ini: %w", err) // err names the file
	}
	return Parse(path, data)
}

// Parse parses a LocalVault.ini held in memory; name is used in messages.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: file is more than %d bytes", name, MaxFileSize)
	}
	text, enc, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &File{Name: name, Encoding: enc, first: map[string]int{}}
	section := ""
	for n, line := range strings.Split(text, "\n") {
		n++
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		switch {
		case line == "", line[0] == ';', line[0] == '#':
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			if end < 0 {
				f.Warnings = append(f.Warnings, Warning{name, n, "section header has no ']'"})
				end = len(line)
			}
			section = strings.TrimSpace(line[1:end])
		default:
			eq := strings.IndexByte(line, '=')
			if eq <= 0 {
				// The line is not quoted back: it may hold a secret.
				f.Warnings = append(f.Warnings, Warning{name, n, "line is not key=value and is ignored"})
				continue
			}
			e := Entry{Section: section, Key: strings.TrimSpace(line[:eq]), Value: unquote(strings.TrimSpace(line[eq+1:])), Line: n}
			f.Entries = append(f.Entries, e)
			i := len(f.Entries) - 1
			k := strings.ToUpper(e.Key)
			if j, dup := f.first[k]; dup {
				first := f.Entries[j]
				f.Duplicates = append(f.Duplicates, Duplicate{name, section, e.Key, first.Line, n, first.Value != e.Value})
				continue
			}
			f.first[k] = i
		}
	}
	return f, nil
}

// unquote removes one pair of matching quotes around v.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}
