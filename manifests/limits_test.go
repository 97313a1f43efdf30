package manifests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sparse makes a file of size bytes that takes no disk space: refusing it proves it was
// not read (reading 1 GiB takes seconds and a gigabyte of memory).
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func TestSizeLimits(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("examples", "servers", "aes-prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		lim   Limits
		files map[string]int64 // sparse files beside a valid example
		want  []string         // error lines; none: the revision loads
	}{
		{name: "defaults, small files", files: map[string]int64{}},
		{name: "a 1 GiB manifest", files: map[string]int64{"big/huge.yaml": 1 << 30},
			want: []string{"big/huge.yaml: file is too large: 1 GiB, the limit is 1 MiB (--max-manifest-size)"}},
		{name: "just over 1 MiB", files: map[string]int64{"a.yaml": 1<<20 + 1},
			want: []string{"a.yaml: file is too large: 1.0 MiB, the limit is 1 MiB (--max-manifest-size)"}},
		{name: "a revision of 20 files of 900 KiB", files: many(20, 900<<10),
			want: []string{".: revision is too large: 21 manifest files hold 17.6 MiB, the limit is 16 MiB (--max-revision-size)"}},
		{name: "raised limits", lim: Limits{File: 2 << 20, Revision: 64 << 20}, files: map[string]int64{"a.yaml": 1<<20 + 1},
			want: []string{"a.yaml: yaml:"}}, // read and decoded: NUL bytes are no YAML
		{name: "lowered file limit", lim: Limits{File: 100}, files: map[string]int64{},
			want: []string{"servers/aes-prod.yaml: file is too large: "}},
		{name: "files that are not manifests do not count", files: map[string]int64{"dump.dmp": 1 << 30}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "servers"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "servers", "aes-prod.yaml"), example, 0o644); err != nil {
				t.Fatal(err)
			}
			for name, size := range c.files {
				sparse(t, filepath.Join(dir, name), size)
			}
			start := time.Now()
			_, err := c.lim.LoadDir(dir)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if len(c.want) == 0 {
				var list ErrorList
				if errors.As(err, &list) {
					for _, e := range list {
						if strings.Contains(e.Message, "too large") {
							t.Fatalf("refused: %v", err)
						}
					}
				} else if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not say %q", err, w)
				}
			}
		})
	}
}

func many(n int, size int64) map[string]int64 {
	m := map[string]int64{}
	for i := range n {
		m[filepath.Join("many", string(rune('a'+i))+".yaml")] = size
	}
	return m
}

func TestLoadFileSizeLimit(t *testing.T) {
	f := filepath.Join(t.TempDir(), "big.yaml")
	sparse(t, f, 64<<20)
	_, err := LoadFile(f)
	if err == nil || err.Error() != "big.yaml: file is too large: 64 MiB, the limit is 1 MiB (--max-manifest-size)" {
		t.Fatalf("LoadFile: %v", err)
	}
}
