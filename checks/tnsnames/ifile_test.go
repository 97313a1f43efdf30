package tnsnames

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIFILE(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"admin/tnsnames.ora": "A=(ADDRESS=(HOST=a)(PORT=1))\nifile = sub/more.ora\nC=(ADDRESS=(HOST=c)(PORT=3))\n",
		"admin/sub/more.ora": "B=(ADDRESS=(HOST=b)(PORT=2))\nIFILE=\"../last one.ora\"\n",
		"admin/last one.ora": "A=(ADDRESS=(HOST=shadowed)(PORT=9))\nD=(ADDRESS=(HOST=d)(PORT=4))\n",
	})
	f, err := ParseFile(filepath.Join(dir, "admin", "tnsnames.ora"))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range f.Entries {
		order = append(order, e.Host)
	}
	if got := strings.Join(order, ","); got != "a,b,shadowed,d,c" {
		t.Errorf("entries in order %s, want includes expanded in place", got)
	}
	// The IFILE stands after A, so its definition of A is read later and wins (Oracle Net:
	// "the position of the IFILE reference determines which entry is used").
	if e, _ := f.Lookup("a"); e == nil || e.Host != "shadowed" {
		t.Errorf("Lookup(a) = %+v, want the included, later definition", e)
	}
	if e, _ := f.Lookup("D"); e == nil || e.Host != "d" || !strings.HasSuffix(e.Pos.File, "last one.ora") || e.Pos.Line != 2 {
		t.Errorf("Lookup(D) = %+v", e)
	}
	if len(f.Includes) != 2 {
		t.Errorf("Includes = %v", f.Includes)
	}
}

func TestIFILEErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		err   string
		is    error
	}{
		{name: "cycle", files: map[string]string{"t.ora": "IFILE=a.ora\n", "a.ora": "IFILE=t.ora\n"}, err: "a.ora:1:7: IFILE cycle: "},
		{name: "self", files: map[string]string{"t.ora": "X=(ADDRESS=(HOST=h))\nIFILE=./t.ora\n"}, err: "t.ora:2:7: IFILE cycle"},
		{name: "missing", files: map[string]string{"t.ora": "IFILE=nope.ora\n"}, err: "t.ora:1:7: IFILE \"nope.ora\"", is: fs.ErrNotExist},
		{name: "error inside", files: map[string]string{"t.ora": "IFILE=a.ora\n", "a.ora": "\n  X=(\n"}, err: "a.ora:2:3: \"X\" must start in column 1"},
		{name: "shared name", files: map[string]string{"t.ora": "IFILE, X = a.ora\n"}, err: "t.ora:1:1: IFILE cannot share"},
		{name: "too deep", files: chain(MaxIncludeDepth + 1), err: "includes nested more than 8 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := ParseFile(filepath.Join(dir, "t.ora"))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want errors.Is %v", err, tt.is)
			}
		})
	}
}

// chain builds t.ora including f1.ora including f2.ora … n deep.
func chain(n int) map[string]string {
	m := map[string]string{"t.ora": "IFILE=f1.ora\n"}
	for i := 1; i <= n; i++ {
		m["f"+strconv.Itoa(i)+".ora"] = "IFILE=f" + strconv.Itoa(i+1) + ".ora\n"
	}
	m["f"+strconv.Itoa(n+1)+".ora"] = "X=(ADDRESS=(HOST=h))\n"
	return m
}

func TestTooManyIncludes(t *testing.T) {
	// One file including the same leaf more than MaxIncludes times: no cycle, but bounded.
	fsys := fstest.MapFS{
		"t.ora":    {Data: []byte(strings.Repeat("IFILE=leaf.ora\n", MaxIncludes+1))},
		"leaf.ora": {Data: []byte("X=(ADDRESS=(HOST=h))\n")},
	}
	_, err := ParseFS(fsys, "t.ora")
	if err == nil || !strings.Contains(err.Error(), "t.ora:65:7: IFILE \"leaf.ora\": more than 64 includes") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseFS(t *testing.T) {
	fsys := fstest.MapFS{
		"network/admin/tnsnames.ora": {Data: []byte("IFILE=..\\shared\\common.ora\n")},
		"network/shared/common.ora":  {Data: []byte("XE=(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SID=XE)))\n")},
	}
	f, err := ParseFS(fsys, "network/admin/tnsnames.ora")
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := f.Lookup("xe"); !ok || e.HostPort() != "db:1521" || e.SID != "XE" {
		t.Fatalf("Lookup(xe) = %+v, %v", e, ok)
	}
}
