package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Replicate copies the published set src into <dst>/<server>/<id>.partial, verifies it
// there, records the result in the copy's vaultkeeper.json and publishes it. A set that is
// already present in dst is left alone.
func Replicate(ctx context.Context, src, dst, server string, verify Verifier) error {
	id := filepath.Base(src)
	final := catalog.SetDir(dst, server, id)
	if _, err := os.Stat(filepath.Join(final, catalog.FileMetadata)); err == nil {
		return nil
	}
	partial := final + catalog.PartialSuffix
	if err := os.RemoveAll(partial); err != nil {
		return fmt.Errorf("replica %s: %w", dst, err)
	}
	if err := catalog.CopySet(ctx, src, partial); err != nil {
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
