package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvBinDir names a folder holding prebuilt vaultkeeper and altium-sim binaries; when set,
// the harness builds nothing and uses them.
const EnvBinDir = "VAULTKEEPER_TEST_BIN_DIR"

// Binary names, without the .exe suffix Windows adds.
const (
	Vaultkeeper = "vaultkeeper"
	AltiumSim   = "altium-sim"
)

// packages are the commands the harness builds, by binary name.
var packages = map[string]string{
	Vaultkeeper: "./cmd/vaultkeeper",
	AltiumSim:   "./cmd/altium-sim",
}

// cacheKeep is how long an unused build stays in the cache folder.
const cacheKeep = 48 * time.Hour

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// BinDir returns the folder holding the vaultkeeper and altium-sim binaries, building them
// first when this source tree has not been built yet (see the package comment).
func BinDir() (string, error) {
	binOnce.Do(func() { binDir, binErr = resolveBinDir() })
	return binDir, binErr
}

// Path returns the path of binary name (Vaultkeeper or AltiumSim), building it first if
// needed; for TestMain, which has no testing.TB.
func Path(name string) (string, error) {
	dir, err := BinDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, exe(name)), nil
}

// Binary returns the path of binary name (Vaultkeeper or AltiumSim), failing t when it
// cannot be built or found.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := Path(name)
	if err != nil {
		t.Fatalf("test binaries: %v", err)
	}
	return p
}

// exe adds the executable suffix of the running system.
func exe(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

func resolveBinDir() (string, error) {
	if dir := os.Getenv(EnvBinDir); dir != "" {
		for name := range packages {
			if _, err := os.Stat(filepath.Join(dir, exe(name))); err != nil {
				return "", fmt.Errorf("%s=%s: %w", EnvBinDir, dir, err)
			}
		}
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	key, err := sourceKey(root)
	if err != nil {
		return "", err
	}
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("vaultkeeper-test-bin-%d", os.Getuid()))
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return "", fmt.Errorf("test binary cache %s: %w", cache, err)
	}
	return buildCached(root, cache, key)
}

// buildCached returns cache/key, building the binaries into it unless a previous build (of
// this or another test process) finished there. The build runs under cache/key.lock.
func buildCached(root, cache, key string) (string, error) {
	dir := filepath.Join(cache, key)
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		touch(dir)
		return dir, nil
	}
	unlock, err := lockFile(filepath.Join(cache, key+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(done); err == nil { // built by another process while we waited
		touch(dir)
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("test binary cache %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("test binary cache %s: %w", dir, err)
	}
	if err := goBuild(root, dir); err != nil {
		return "", err
	}
	if err := os.WriteFile(done, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("test binary cache %s: %w", done, err)
	}
	prune(cache, key)
	return dir, nil
}

// goBuild builds the packages into dir with one go build (it links both binaries in
// parallel). A variable, so the cache's tests can count builds.
var goBuild = func(root, dir string) error {
	names := make([]string, 0, len(packages))
	for name := range packages {
		names = append(names, name)
	}
	sort.Strings(names)
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, name := range names {
		args = append(args, packages[name])
	}
	cmd := exec.Command(goTool(), args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), root, err, out)
	}
	return nil
}

// touch marks a cached build as used (prune keeps builds used within cacheKeep).
func touch(dir string) {
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
}

// prune removes the builds of other source trees not used within cacheKeep. A build being
// made holds its lock; one older than cacheKeep cannot be in use by a test of this run.
func prune(cache, keep string) {
	ents, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.IsDir() || e.Name() == keep {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < cacheKeep {
			continue
		}
		_ = os.RemoveAll(filepath.Join(cache, e.Name()))
		_ = os.Remove(filepath.Join(cache, e.Name()+".lock"))
	}
}

// goTool is the go command of the toolchain that built the test, else go on PATH.
func goTool() string {
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", exe("go"))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// moduleRoot is the closest folder at or above the working directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory (or set " + EnvBinDir + ")")
		}
		dir = parent
	}
}

// sourceKey hashes what the binaries are made of: every non-test .go file of the module (by
// path and content), go.mod, go.sum, the Go version, the target and the build environment.
// Folders starting with . or _ and testdata folders are not part of any build.
func sourceKey(root string) (string, error) {
	h := sha256.New()
	for _, v := range []string{runtime.Version(), runtime.GOOS, runtime.GOARCH} {
		fmt.Fprintf(h, "%s\n", v)
	}
	for _, env := range []string{"CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOTOOLCHAIN"} {
		fmt.Fprintf(h, "%s=%q\n", env, os.Getenv(env))
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case rel == "go.mod" || rel == "go.sum":
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
		default:
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		if _, err := io.Copy(h, f); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash the sources under %s: %w", root, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}
