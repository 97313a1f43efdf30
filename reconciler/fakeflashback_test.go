package reconciler

import (
	"context"
	"fmt"
	"sync"

	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
)

// The fake host's side of spec.downtime: minimal (the end-to-end tests against altium-sim
// exercise the real one): always quiesced and allowed, a fixed SCN, the same export;
// flashbackFailures[host] exports fail with ORA-01555 first.

var flashbackFailures sync.Map // *fakeHost → *int

func (c *fakeConn) CheckFlashback(ctx context.Context) error       { return nil }
func (c *fakeConn) Quiesced(ctx context.Context) error             { return nil }
func (c *fakeConn) CurrentSCN(ctx context.Context) (uint64, error) { return 1_000_001, nil }
func (c *fakeConn) ExportAsOf(ctx context.Context, dumpPath, logPath string, scn uint64) (backup.Export, error) {
	if n, ok := flashbackFailures.Load(c.h); ok && c.h.take(n.(*int)) {
		err := fmt.Errorf("exp (simulated): %w: FLASHBACK_SCN=%d: ORA-01555: snapshot too old", backup.ErrFlashback, scn)
		c.h.record("export", dumpPath, err)
		return backup.Export{}, err
	}
	return c.Export(ctx, dumpPath, logPath)
}
