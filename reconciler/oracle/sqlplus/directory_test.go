package sqlplus

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// TestDataPumpDirectoryGrants: the installed schema holds READ, WRITE on DATA_PUMP_DIR.
// A restore's DROP USER takes the grant along; once DBA is revoked, expdp fails with
// ORA-39002/ORA-39070/ORA-39087. CheckDirectory sees it before expdp runs;
// GrantDirectory repairs it.
func TestDataPumpDirectoryGrants(t *testing.T) {
	h := simtest.Init(t, "--tables", "2", "--rows", "2")
	h.StopIIS(t)
	ctx := context.Background()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
	defer a.Close()
	if err := a.CheckDirectory(ctx, "AESUSER313", "DATA_PUMP_DIR"); err != nil {
		t.Fatalf("installed schema: %v", err)
	}
	pw := h.Secret(t, "schema-password")
	if err := a.DropUserCascade(ctx, "AESUSER313"); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateUser(ctx, "AESUSER313", pw, "USERS"); err != nil {
		t.Fatal(err)
	}
	if err := a.Grant(ctx, "AESUSER313", sqlgen.Connect, sqlgen.Resource, sqlgen.CreateSession); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckDirectory(ctx, "AESUSER313", "DATA_PUMP_DIR"); err == nil || !strings.Contains(err.Error(), "ORA-39087") {
		t.Fatalf("CheckDirectory after re-creating the user = %v", err)
	}
	r := dump.Runner{Program: h.Bin("expdp"), Log: log, LogDir: h.Root + "/oracle/dpdump"}
	job := dump.Job{Tool: dump.Expdp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
		File: "g.dmp", LogFile: "g.log", Directory: "DATA_PUMP_DIR"}
	if _, err := r.Run(ctx, job); err == nil || !strings.Contains(logs.String(), "ORA-39087") {
		t.Fatalf("expdp without the grant = %v\n%s", err, logs.String())
	}
	if err := a.GrantDirectory(ctx, "AESUSER313", "DATA_PUMP_DIR"); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckDirectory(ctx, "AESUSER313", "DATA_PUMP_DIR"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(ctx, job); err != nil {
		t.Fatalf("expdp with the grant: %v\n%s", err, logs.String())
	}
}
