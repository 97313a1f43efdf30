package hostfake

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
)

// TestCallsEventsAndKnobs: every call is in Calls, only the host's observable steps are
// in Events; FailOn and the counters fail what they name, the counters only N times; a
// REVOKE DBA takes the DBA role and the quotas along.
func TestCallsEventsAndKnobs(t *testing.T) {
	ctx := context.Background()
	h := &Host{Schema: "aesuser313", FailOn: "drop AESUSER313", FailRevoke: 1}
	dir := t.TempDir()
	h.Stop(ctx)
	if err := h.DropUserCascade(ctx, "AESUSER313"); err == nil || !strings.Contains(err.Error(), "drop AESUSER313") {
		t.Errorf("DropUserCascade = %v, want FailOn's error", err)
	}
	h.GrantDBA(ctx, "AESUSER313")
	h.GrantQuota(ctx, "AESUSER313", "USERS")
	if err := h.RevokeDBA(ctx, "AESUSER313"); err == nil || !strings.Contains(err.Error(), "ORA-12541") {
		t.Errorf("first RevokeDBA = %v, want ORA-12541", err)
	}
	if has, _ := h.HasRole(ctx, "AESUSER313", "DBA"); !has {
		t.Error("DBA gone after a failed revoke")
	}
	if err := h.RevokeDBA(ctx, "AESUSER313"); err != nil {
		t.Errorf("second RevokeDBA = %v, want the failure consumed", err)
	}
	if has, _ := h.HasRole(ctx, "AESUSER313", "DBA"); has {
		t.Error("DBA held after the revoke")
	}
	if missing, _ := h.NoQuota(ctx, "AESUSER313", []string{"USERS"}); len(missing) != 1 {
		t.Errorf("NoQuota after the revoke = %v, want USERS (MOS 1169515.1)", missing)
	}
	ex, err := h.Export(ctx, filepath.Join(dir, "oracle.dmp"), filepath.Join(dir, "exp.log"))
	if err != nil || ex.Objects["TABLE"] != DefaultObjects["TABLE"] || ex.Rows["ALU_ITEM"] != DefaultRows["ALU_ITEM"] {
		t.Fatalf("Export = %+v, %v", ex, err)
	}
	if info, err := dumpid.Identify(filepath.Join(dir, "oracle.dmp")); err != nil || dumpid.Check(info, dumpid.Classic) != nil {
		t.Errorf("the dump is no classic exp dump: %+v %v", info, err)
	}
	h.FailFlashback = 1
	if _, err := h.ExportAsOf(ctx, filepath.Join(dir, "o2.dmp"), filepath.Join(dir, "o2.log"), 7); !errors.Is(err, backup.ErrFlashback) {
		t.Errorf("ExportAsOf = %v, want ErrFlashback", err)
	}
	h.Start(ctx)

	wantCalls := "stop-iis,drop AESUSER313,grant-dba AESUSER313,quota AESUSER313 USERS,revoke-dba AESUSER313,has-dba AESUSER313," +
		"revoke-dba AESUSER313,has-dba AESUSER313,no-quota AESUSER313,export,export@7,start-iis"
	if got := strings.Join(h.Calls(), ","); got != wantCalls {
		t.Errorf("calls\n got %s\nwant %s", got, wantCalls)
	}
	var ops []string
	for _, e := range h.Events() {
		ops = append(ops, e.Op)
	}
	if got := strings.Join(ops, ","); got != "stop-iis,drop-user,grant-dba,revoke-dba,revoke-dba,export,export,start-iis" {
		t.Errorf("events %s", got)
	}
	if h.IISDown() || strings.Join(h.Quotas(), ",") != "AESUSER313 USERS" {
		t.Errorf("IIS down %v, quotas %v", h.IISDown(), h.Quotas())
	}
}
