package sqlplus

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// TestGlogin: a site profile (TIMING ON, PAGESIZE 100, FEEDBACK and HEADING ON, AUTOTRACE
// ON, a PROMPT and a query; cmd/altium-sim/testdata/glogin.sql) runs after every CONNECT.
// Every call must still read its answers exactly.
func TestGlogin(t *testing.T) {
	glogin, err := filepath.Abs("../../../cmd/altium-sim/testdata/glogin.sql")
	if err != nil {
		t.Fatal(err)
	}
	h := simtest.Init(t, "--tables", "7", "--rows", "3", "--glogin", glogin)
	h.StopIIS(t)
	ctx := context.Background()
	a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
	defer a.Close()
	if err := a.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if ok, err := a.UserExists(ctx, "AESUSER313"); err != nil || !ok {
		t.Fatalf("UserExists = %v, %v", ok, err)
	}
	objs, err := a.ObjectCounts(ctx, "AESUSER313")
	if err != nil || objs["TABLE"] != 7 {
		t.Fatalf("ObjectCounts = %v, %v", objs, err)
	}
	rows, err := a.RowCounts(ctx, "AESUSER313")
	if err != nil || len(rows) != 7 || rows["ALU_ITEM"] != 3 {
		t.Fatalf("RowCounts = %v, %v", rows, err)
	}
	if err := a.Grant(ctx, "AESUSER313", sqlgen.CreateSession); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if err := a.Login(ctx, "XE", "AESUSER313", h.Secret(t, "schema-password")); err != nil {
		t.Fatalf("Login: %v", err)
	}
	if err := a.Login(ctx, "XE", "AESUSER313", "wrong"); oracle.Code(err) != 1017 {
		t.Fatalf("Login with a wrong password = %v, want ORA-01017", err)
	}
}
