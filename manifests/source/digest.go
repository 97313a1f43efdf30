package source

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// IsManifestFile reports whether name is a manifest file: *.yaml or *.yml, not hidden.
func IsManifestFile(name string) bool {
	base := filepath.Base(name)
	ext := strings.ToLower(filepath.Ext(base))
	return !strings.HasPrefix(base, ".") && (ext == ".yaml" || ext == ".yml")
}

// digestFolder returns "sha256:<hex>" over the sorted slash-separated relative paths and
// contents of the manifest files under root (dot-folders skipped), and the newest
// modification time among them. Each entry is length-prefixed, so no two different trees
// hash alike by shifting bytes between a name and a content.
func digestFolder(ctx context.Context, root string) (string, time.Time, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != root && errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if IsManifestFile(p) {
			files = append(files, p)
		}
		return ctx.Err()
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("reading source folder %q: %w", root, err)
	}
	slices.Sort(files)
	h := sha256.New()
	var newest time.Time
	var n [8]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the walk; its event follows
		}
		if err != nil {
			return "", time.Time{}, fmt.Errorf("reading manifest %q: %w", p, err)
		}
		if fi, err := os.Stat(p); err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		binary.BigEndian.PutUint64(n[:], uint64(len(rel)))
		h.Write(n[:])
		h.Write([]byte(rel))
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), newest, nil
}
