package manifests

import (
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"

	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// readTree copies the files under dir into m, their names prefixed with prefix.
func readTree(t testing.TB, m fstest.MapFS, dir, prefix string) {
	t.Helper()
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return err
		}
		m[path.Join(prefix, p)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBaseValid(t *testing.T) {
	if _, err := LoadDir(filepath.Join("testdata", "base")); err != nil {
		t.Fatalf("testdata/base must be valid:\n%v", err)
	}
}

// TestInvalid loads each folder of testdata/invalid together with testdata/base (as base/)
// and compares the error lines with NAME.golden.
func TestInvalid(t *testing.T) {
	dir := filepath.Join("testdata", "invalid")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases++
		t.Run(e.Name(), func(t *testing.T) {
			fsys := fstest.MapFS{}
			readTree(t, fsys, filepath.Join("testdata", "base"), "base")
			readTree(t, fsys, filepath.Join(dir, e.Name()), "")
			set, err := Load(fsys)
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Load = %v, %v; want an ErrorList", set, err)
			}
			if set != nil {
				t.Error("Load returned a set with the errors")
			}
			for _, fe := range list {
				if strings.HasPrefix(fe.File, "base/") {
					t.Errorf("error in the valid base: %v", fe)
				}
			}
			got := list.Error() + "\n"
			golden := filepath.Join(dir, e.Name()+".golden")
			if testtool.Updating() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./manifests/ -run TestInvalid -update)", err)
			}
			if got != string(want) {
				t.Errorf("errors differ from %s\ngot:\n%swant:\n%s", golden, got, want)
			}
		})
	}
	if cases < 40 {
		t.Errorf("only %d invalid cases", cases)
	}
}
