package reconciler

import (
	"context"

	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
)

// The fake host's side of spec.downtime: minimal (the end-to-end tests against altium-sim
// exercise the real one): always quiesced and allowed, a fixed SCN, the same export.

func (c *fakeConn) CheckFlashback(ctx context.Context) error       { return nil }
func (c *fakeConn) Quiesced(ctx context.Context) error             { return nil }
func (c *fakeConn) CurrentSCN(ctx context.Context) (uint64, error) { return 1_000_001, nil }
func (c *fakeConn) ExportAsOf(ctx context.Context, dumpPath, logPath string, _ uint64) (backup.Export, error) {
	return c.Export(ctx, dumpPath, logPath)
}
