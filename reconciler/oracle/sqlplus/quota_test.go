package sqlplus

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// TestQuotasAfterRevokeDBA plays the restore's grants against each simulated release:
// CREATE USER … QUOTA UNLIMITED ON USERS, GRANT DBA, REVOKE DBA. On 11.2 and 12.1 the
// revoke takes every quota along (MOS 1169515.1), on every release UNLIMITED TABLESPACE;
// a schema with a second tablespace then cannot allocate there. NoQuota must see it, and
// GrantQuota on the schema's tablespaces must repair it.
func TestQuotasAfterRevokeDBA(t *testing.T) {
	for _, tc := range []struct {
		release string
		lost    string // NoQuota right after REVOKE DBA
	}{
		{"11.2", "[ALTIUM_LOB USERS]"},
		{"12.1", "[ALTIUM_LOB USERS]"},
		{"19c", "[ALTIUM_LOB]"},
	} {
		t.Run(tc.release, func(t *testing.T) {
			h := simtest.Init(t, "--tables", "8", "--rows", "2", "--oracle-version", tc.release, "--lob-tablespace", "ALTIUM_LOB")
			h.StopIIS(t)
			ctx := context.Background()
			a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
			defer a.Close()
			ts, err := a.SchemaTablespaces(ctx, "AESUSER313")
			if err != nil || fmt.Sprint(ts) != "[ALTIUM_LOB USERS]" {
				t.Fatalf("SchemaTablespaces = %v, %v", ts, err)
			}
			// The seeded schema holds UNLIMITED TABLESPACE: it can allocate anywhere.
			if miss, err := a.NoQuota(ctx, "AESUSER313", ts); err != nil || len(miss) != 0 {
				t.Fatalf("NoQuota before = %v, %v", miss, err)
			}
			if err := a.Grant(ctx, "AESUSER313", sqlgen.DBA); err != nil {
				t.Fatal(err)
			}
			if err := a.GrantQuota(ctx, "AESUSER313", "USERS"); err != nil {
				t.Fatal(err)
			}
			if err := a.Revoke(ctx, "AESUSER313", sqlgen.DBA); err != nil {
				t.Fatal(err)
			}
			miss, err := a.NoQuota(ctx, "AESUSER313", ts)
			if err != nil || fmt.Sprint(miss) != tc.lost {
				t.Fatalf("NoQuota after REVOKE DBA = %v, %v; want %s", miss, err, tc.lost)
			}
			for _, x := range ts {
				if err := a.GrantQuota(ctx, "AESUSER313", x); err != nil {
					t.Fatal(err)
				}
			}
			if miss, err := a.NoQuota(ctx, "AESUSER313", ts); err != nil || len(miss) != 0 {
				t.Fatalf("NoQuota after the grants = %v, %v", miss, err)
			}
			if err := a.GrantQuota(ctx, "AESUSER313", "NOPE"); oracle.Code(err) != 959 {
				t.Fatalf("quota on a missing tablespace: %v, want ORA-00959", err)
			}
		})
	}
}
