package localvault

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ini"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := dump(t, f)
			testtool.Golden(t, strings.TrimSuffix(path, ".ini")+".golden", got)
		})
	}
}

func dump(t *testing.T, f *File) []byte {
	out := struct {
		Encoding   string            `json:"encoding"`
		Keys       map[string]string `json:"keys"`
		Entries    []Entry           `json:"entries"`
		Duplicates []string          `json:"duplicates"`
		Warnings   []string          `json:"warnings"`
	}{Encoding: f.Encoding, Keys: f.Keys(), Entries: f.Entries}
	for _, d := range f.Duplicates {
		out.Duplicates = append(out.Duplicates, filepath.Base(d.File)+strings.TrimPrefix(d.String(), d.File))
	}
	for _, w := range f.Warnings {
		out.Warnings = append(out.Warnings, filepath.Base(w.File)+strings.TrimPrefix(w.String(), w.File))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGet(t *testing.T) {
	tests := []struct {
		name, in, key, want string
		found               bool
	}{
		{"case-insensitive", "[S]\nDBLocation=a:1\n", "dblocation", "a:1", true},
		{"first wins", "K=1\nk=2\n", "K", "1", true},
		{"first wins across sections", "[A]\nK=1\n[B]\nK=2\n", "k", "1", true},
		{"missing", "K=1\n", "Other", "", false},
		{"empty value", "K=\n", "K", "", true},
		{"inline semicolon kept", "Password=a;b # c\n", "Password", "a;b # c", true},
		{"comment is not a key", ";K=1\n#K=2\n", "K", "", false},
		{"quotes removed once", "K=\"'x'\"\n", "K", "'x'", true},
		{"unmatched quote kept", "K=\"x\n", "K", "\"x", true},
		{"equals in value", "K=a=b\n", "K", "a=b", true},
		{"CR line ends", "A=1\r\nK=2\r\n", "K", "2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.ini", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := f.Get(tt.key)
			if got != tt.want || ok != tt.found {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.found)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	f, err := Parse("t.ini", []byte("[S]\nUser=A\nuser=A\nUSER=B\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Duplicates) != 2 {
		t.Fatalf("Duplicates = %+v", f.Duplicates)
	}
	d := f.Duplicates[1]
	if d.FirstLine != 2 || d.Line != 4 || !d.Differs || f.Duplicates[0].Differs {
		t.Errorf("Duplicates = %+v", f.Duplicates)
	}
	if want := "t.ini:4: USER in [S] is already set at line 2; the first value is used"; d.String() != want {
		t.Errorf("String() = %q, want %q", d.String(), want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		err  string
	}{
		{"too large", make([]byte, MaxFileSize+1), "more than 1048576 bytes"},
		{"odd UTF-16", []byte{0xFF, 0xFE, 'K', 0, '='}, "UTF-16 text of odd length 3"},
		{"UTF-16 without BOM", []byte{'K', 0, '=', 0}, "NUL byte at offset 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.ini", tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "t.ini: ") {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
	_, err := Parse("t.ini", []byte{0xFF, 0xFE, 'K', 0, '='})
	if !errors.Is(err, ErrEncoding) {
		t.Errorf("err = %v, want errors.Is ErrEncoding", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.ini")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ParseFile of a missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.ini"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[a\nb=c\n;x\n\"\"=\"\"\n"))
	f.Add([]byte{0xFE, 0xFF, 0, 'K', 0, '=', 0xD8, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.ini", data)
		if err != nil {
			return
		}
		keys := file.Keys()
		for k, v := range keys {
			got, ok := file.Get(k)
			if !ok || got != v {
				t.Fatalf("Get(%q) = %q, %v; Keys has %q", k, got, ok, v)
			}
		}
		if len(keys)+len(file.Duplicates) != len(file.Entries) {
			t.Fatalf("%d keys + %d duplicates != %d entries", len(keys), len(file.Duplicates), len(file.Entries))
		}
	})
}
