package backup

import (
	"context"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// SetVerifier runs L1 and L2 verification of a set folder (checks/setverify). The results
// carry the time now gives (the agent's clock), not the wall clock setverify reads: the
// planner compares them with that clock to decide when a set is re-verified.
func SetVerifier(now func() time.Time) Verifier {
	return func(ctx context.Context, dir string) ([]catalog.Verification, error) {
		rep, err := setverify.Verify(ctx, dir, catalog.LevelL1, catalog.LevelL2)
		at := now().UTC()
		for i := range rep.Levels {
			rep.Levels[i].Time = at
		}
		return rep.Levels, err
	}
}
