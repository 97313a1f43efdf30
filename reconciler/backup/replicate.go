package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Replicate copies the published set src into <dst>/<server>/<id>.partial, verifies it
// there, records the result in the copy's vaultkeeper.json and publishes it. A set that is
// already present in dst is left alone.
func Replicate(ctx context.Context, src, dst, server string, verify Verifier) error {
	id := filepath.Base(src)
	final := SetDir(dst, server, id)
	if _, err := os.Stat(filepath.Join(final, catalog.FileMetadata)); err == nil {
		return nil
	}
	partial := final + catalog.PartialSuffix
	if err := os.RemoveAll(partial); err != nil {
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	if err := copyDir(ctx, src, partial); err != nil {
		os.RemoveAll(partial)
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	meta, err := catalog.ReadMeta(partial)
	if err != nil {
		os.RemoveAll(partial)
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	vs, verr := verify(ctx, partial)
	for i := range vs {
		vs[i].Where = dst
	}
	meta.Verifications = append(meta.Verifications, vs...)
	if verr == nil {
		verr = failedVerification(vs)
	}
	if verr != nil {
		os.RemoveAll(partial)
		return fmt.Errorf("replica %s: %w", dst, verr)
	}
	if err := catalog.WriteMeta(partial, meta); err != nil {
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	if _, err := catalog.Publish(partial); err != nil {
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	return nil
}

func copyDir(ctx context.Context, src, dst string) error {
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
