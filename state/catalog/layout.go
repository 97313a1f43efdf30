package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// The set layout (DESIGN §5, contract): a set is the folder <destination>/<server>/<setID>,
// written as <setID>.partial and renamed when complete; it holds files.zip (role files),
// oracle.dmp (dump), oracle-export.log (log) and vaultkeeper.json, the record that lists
// the others with their sizes and sha256.

// SetDir is where set id of server lives under destination.
func SetDir(destination, server, id string) string {
	return filepath.Join(destination, server, id)
}

// PartialDir is where set id of server is written before it is published.
func PartialDir(destination, server, id string) string {
	return SetDir(destination, server, id) + PartialSuffix
}

// RoleOf is the role of the file called name in a set: files, dump, log, or "other".
func RoleOf(name string) string {
	switch name {
	case FileZip:
		return RoleFiles
	case FileDump:
		return RoleDump
	case FileExportLog:
		return RoleLog
	}
	return "other"
}

// hashBufSize is the read size of HashFile: large reads keep a NAS busy.
const hashBufSize = 1 << 20

// HashFile returns the sha256 (hex) and size of the file at path, reading it through buf
// (nil: a buffer of its own). It stops when ctx ends.
func HashFile(ctx context.Context, path string, buf []byte) (string, int64, error) {
	if buf == nil {
		buf = make([]byte, hashBufSize)
	}
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return "", size, err
		}
		n, err := fh.Read(buf)
		h.Write(buf[:n])
		size += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", size, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// HashSet records size, role and sha256 of the files of the set folder dir (every regular
// file but vaultkeeper.json), sorted by name.
func HashSet(ctx context.Context, dir string) ([]FileMeta, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("hash set %s: %w", dir, err)
	}
	var out []FileMeta
	for _, e := range ents {
		if !e.Type().IsRegular() || e.Name() == FileMetadata {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, size, err := HashFile(ctx, filepath.Join(dir, e.Name()), nil)
		if err != nil {
			return nil, fmt.Errorf("hash set %s: %w", dir, err)
		}
		out = append(out, FileMeta{Name: e.Name(), Role: RoleOf(e.Name()), Size: size, SHA256: sum})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// CopySet copies the regular files of the set folder src into the new folder dst.
func CopySet(ctx context.Context, src, dst string) error {
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := CopyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// CopyFile copies src to a new file dst (it must not exist) and syncs it.
func CopyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	if _, err = io.Copy(out, in); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Sync()
}
