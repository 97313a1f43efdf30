package setverify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// hashBufSize is the read size for hashing; one buffer per worker.
const hashBufSize = 1 << 20

// verifyL1 checks size and SHA-256 of every listed file and reports missing and extra files.
func verifyL1(ctx context.Context, dir string, m *catalog.Meta) []Problem {
	var probs []Problem
	listed := map[string]bool{catalog.FileMetadata: true}
	var todo []catalog.FileMeta
	for _, f := range m.Files {
		if !safeName(f.Name) {
			probs = append(probs, Problem{f.Name, catalog.LevelL1, "name in " + catalog.FileMetadata + " is not a plain file name"})
			continue
		}
		listed[f.Name] = true
		todo = append(todo, f)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(probs, Problem{".", catalog.LevelL1, err.Error()})
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			probs = append(probs, Problem{e.Name(), catalog.LevelL1, "extra file, not listed in " + catalog.FileMetadata})
		}
	}
	results := make([]string, len(todo))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(len(todo), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			buf := make([]byte, hashBufSize)
			for i := range jobs {
				results[i] = checkFile(ctx, filepath.Join(dir, todo[i].Name), todo[i], buf)
			}
		})
	}
	for i := range todo {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, r := range results {
		if r != "" {
			probs = append(probs, Problem{todo[i].Name, catalog.LevelL1, r})
		}
	}
	return probs
}

// checkFile returns why the file does not match f, or "".
func checkFile(ctx context.Context, path string, f catalog.FileMeta, buf []byte) string {
	st, err := os.Lstat(path)
	switch {
	case os.IsNotExist(err):
		return "missing"
	case err != nil:
		return err.Error()
	case !st.Mode().IsRegular():
		return "not a regular file (" + st.Mode().Type().String() + ")"
	case st.Size() != f.Size:
		return fmt.Sprintf("size %d, %s says %d", st.Size(), catalog.FileMetadata, f.Size)
	}
	got, _, err := HashFile(ctx, path, buf)
	if err != nil {
		return err.Error()
	}
	if !strings.EqualFold(got, f.SHA256) {
		return fmt.Sprintf("sha256 %s, %s says %s", got, catalog.FileMetadata, f.SHA256)
	}
	return ""
}

// safeName reports whether name is a plain file name inside the set folder.
func safeName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\:`) && filepath.IsLocal(name)
}

// HashFile is catalog.HashFile, the one file hash: the backup runbook records sets with it
// and L1 checks them with it, so both read files the same way.
func HashFile(ctx context.Context, path string, buf []byte) (string, int64, error) {
	return catalog.HashFile(ctx, path, buf)
}
