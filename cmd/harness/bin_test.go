package harness

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSourceKey: the key changes with what the binaries are made of, and only with that.
func TestSourceKey(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/m\n")
	writeFile(t, filepath.Join(root, "cmd", "x", "main.go"), "package main\n\nfunc main() {}\n")
	key := func() string {
		t.Helper()
		k, err := sourceKey(root)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key()
	if key() != base {
		t.Fatal("the key of an unchanged tree changed")
	}
	for _, c := range []struct {
		name, path, content string
		changes             bool
	}{
		{"a test file", "cmd/x/main_test.go", "package main\n", false},
		{"a testdata file", "cmd/x/testdata/a.go", "package a\n", false},
		{"a hidden folder", ".git/x.go", "package x\n", false},
		{"a README", "README.md", "# m\n", false},
		{"a source file", "cmd/x/main.go", "package main\n\nfunc main() { println() }\n", true},
		{"a new package", "lib/lib.go", "package lib\n", true},
		{"go.sum", "go.sum", "example.com/y v1.0.0 h1:x\n", true},
	} {
		writeFile(t, filepath.Join(root, filepath.FromSlash(c.path)), c.content)
		k := key()
		if (k != base) != c.changes {
			t.Errorf("%s: key changed %v, want %v", c.name, k != base, c.changes)
		}
		base = k
	}
}

// TestBuildCachedOnce: processes asking at once for the same tree's binaries wait for one
// build (under the lock) and share it; a later ask builds nothing.
func TestBuildCachedOnce(t *testing.T) {
	var builds atomic.Int32
	saved := goBuild
	t.Cleanup(func() { goBuild = saved })
	goBuild = func(root, dir string) error {
		builds.Add(1)
		time.Sleep(200 * time.Millisecond) // a build takes time: the others must wait for it
		for name := range packages {
			if err := os.WriteFile(filepath.Join(dir, exe(name)), []byte("binary"), 0o755); err != nil {
				return err
			}
		}
		return nil
	}
	cache := t.TempDir()
	var wg sync.WaitGroup
	dirs := make([]string, 4)
	errs := make([]error, 4)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = buildCached(t.TempDir(), cache, "k1")
		}()
	}
	wg.Wait()
	for i := range dirs {
		if errs[i] != nil || dirs[i] != filepath.Join(cache, "k1") {
			t.Fatalf("buildCached %d: %q, %v", i, dirs[i], errs[i])
		}
	}
	if _, err := buildCached(t.TempDir(), cache, "k1"); err != nil {
		t.Fatal(err)
	}
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for one tree, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(cache, "k1", exe(Vaultkeeper))); err != nil {
		t.Error(err)
	}
	// Another tree gets its own build; the first, recently used, stays.
	if _, err := buildCached(t.TempDir(), cache, "k2"); err != nil {
		t.Fatal(err)
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("%d builds for two trees, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(cache, "k1")); err != nil {
		t.Errorf("a recent build was pruned: %v", err)
	}
	// A build unused for longer than cacheKeep is pruned when another tree is built.
	old := time.Now().Add(-cacheKeep - time.Hour)
	if err := os.Chtimes(filepath.Join(cache, "k1"), old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := buildCached(t.TempDir(), cache, "k3"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, "k1")); !os.IsNotExist(err) {
		t.Errorf("a build unused for %s was kept: %v", cacheKeep, err)
	}
}

// TestBuildFailureIsReportedAndNotCached: a failed build names the command and its output,
// and the next ask builds again.
func TestBuildFailureIsReportedAndNotCached(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/m\n")
	writeFile(t, filepath.Join(root, "cmd", "vaultkeeper", "main.go"), "package main\n\nfunc main() { undefined() }\n")
	writeFile(t, filepath.Join(root, "cmd", "altium-sim", "main.go"), "package main\n\nfunc main() {}\n")
	cache := t.TempDir()
	_, err := buildCached(root, cache, "bad")
	if err == nil || !strings.Contains(err.Error(), "undefined") || !strings.Contains(err.Error(), "go build") {
		t.Fatalf("err = %v, want the go build command and the compiler's message", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "bad", ".complete")); !os.IsNotExist(err) {
		t.Errorf("a failed build is marked complete: %v", err)
	}
	writeFile(t, filepath.Join(root, "cmd", "vaultkeeper", "main.go"), "package main\n\nfunc main() {}\n")
	dir, err := buildCached(root, cache, "bad")
	if err != nil {
		t.Fatal(err)
	}
	for name := range packages {
		if _, err := os.Stat(filepath.Join(dir, exe(name))); err != nil {
			t.Error(err)
		}
	}
}

// TestPrebuiltBinDir: with VAULTKEEPER_TEST_BIN_DIR the binaries are taken from there, and a
// folder that lacks one is an error naming it.
func TestPrebuiltBinDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvBinDir, dir)
	if _, err := resolveBinDir(); err == nil || !strings.Contains(err.Error(), EnvBinDir) {
		t.Fatalf("empty %s: err = %v", EnvBinDir, err)
	}
	for name := range packages {
		writeFile(t, filepath.Join(dir, exe(name)), "binary")
	}
	got, err := resolveBinDir()
	if err != nil || got != dir {
		t.Fatalf("resolveBinDir = %q, %v; want %q", got, err, dir)
	}
	if runtime.GOOS == "windows" && !strings.HasSuffix(exe(Vaultkeeper), ".exe") {
		t.Error("no .exe on Windows")
	}
}
