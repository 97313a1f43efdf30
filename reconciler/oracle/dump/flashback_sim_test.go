package dump

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
)

// TestFlashbackSCNExport: with IIS stopped the SCN is read, IIS starts again and the
// application writes; an export with FlashbackSCN carries the rows as of the SCN (not
// the current ones), its parfile holds flashback_scn and no other consistency parameter.
// With an undo retention of 0 s the undo is gone: the run fails and its log carries
// ORA-01555, which the minimal-downtime order acts on.
func TestFlashbackSCNExport(t *testing.T) {
	for _, tc := range []struct {
		tool      Tool
		retention string
		tooOld    bool
	}{
		{Exp, "900", false}, {Expdp, "900", false}, {Exp, "0", true}, {Expdp, "0", true},
	} {
		t.Run(string(tc.tool)+" retention "+tc.retention, func(t *testing.T) {
			h := simtest.Init(t, "--password", canary, "--tables", "4", "--rows", "50", "--undo-retention", tc.retention)
			ctx := context.Background()
			admin := sqlplus.NewAdmin(sqlplus.Config{Path: h.Bin("sqlplus")}, oracle.Options{})
			if err := admin.GrantFlashback(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			if err := admin.CheckFlashback(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			h.StopIIS(t)
			scn, err := admin.CurrentSCN(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := schemaRows(t, h, "AESUSER313")
			h.Run(t, "net", "start", "W3SVC")

			dir := t.TempDir()
			job := Job{Tool: tc.tool, User: "AESUSER313", Password: canary, Alias: "XE", Schema: "AESUSER313",
				File: filepath.Join(dir, "oracle.dmp"), LogFile: filepath.Join(dir, "oracle-export.log"), FlashbackSCN: scn}
			if tc.tool.DataPump() {
				job.Directory, job.File, job.LogFile = "DATA_PUMP_DIR", "oracle.dmp", "oracle-export.log"
			}
			params, _ := job.Params()
			for _, p := range params {
				if p == "consistent=y" || p == "flashback_time=systimestamp" {
					t.Fatalf("parfile %v: FLASHBACK_SCN combined with %s", params, p)
				}
			}
			var logs bytes.Buffer
			out, err := runner(h, tc.tool, &logs).Run(ctx, job)
			if tc.tooOld {
				if err == nil || !slices.Contains(out.Log.Codes, "ORA-01555") {
					t.Fatalf("err %v, codes %v: want a failure with ORA-01555\n%s", err, out.Log.Codes, logs.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("export: %v\n%s", err, logs.String())
			}
			if now := schemaRows(t, h, "AESUSER313"); sameRows(now, want) {
				t.Fatal("the application wrote nothing after IIS started: the test proves nothing")
			}
			if !sameRows(out.Log.Rows, want) {
				t.Fatalf("exported rows %v, want the rows as of SCN %d: %v", out.Log.Rows, scn, want)
			}
		})
	}
}
