package sqlplus

import (
	"context"
	"errors"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
)

// TestContainerDatabase: on a CDB, "/ as sysdba" lands in CDB$ROOT. Without a container
// the drop of the application's (local) user answers ORA-01918, which DropUserCascade
// takes for "already gone": the preflight must refuse first. With Container the session
// switches into the PDB and every call works.
func TestContainerDatabase(t *testing.T) {
	h := simtest.Init(t, "--tables", "2", "--rows", "2", "--cdb", "--pdb", "ALTPDB")
	h.StopIIS(t)
	ctx := context.Background()
	root := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
	if err := root.Preflight(ctx, "AESUSER313", "", true); !errors.Is(err, oracle.ErrPreflight) {
		t.Fatalf("preflight in CDB$ROOT = %v, want a refusal", err)
	}
	if err := root.Preflight(ctx, "AESUSER313", "ALTPDB", true); !errors.Is(err, oracle.ErrPreflight) {
		t.Fatalf("preflight naming the PDB from a root session = %v, want a refusal", err)
	}
	if err := root.CreateUser(ctx, "AESUSER313", "pw", "USERS"); oracle.Code(err) != 65096 {
		t.Fatalf("CREATE USER in the root = %v, want ORA-65096", err)
	}
	pdb := NewAdmin(Config{Path: h.Bin("sqlplus"), Container: "ALTPDB"}, oracle.Options{DropBackoff: -1})
	if err := pdb.Preflight(ctx, "AESUSER313", "ALTPDB", true); err != nil {
		t.Fatalf("preflight in the PDB: %v", err)
	}
	if err := pdb.DropUserCascade(ctx, "AESUSER313"); err != nil {
		t.Fatal(err)
	}
	if ok, err := pdb.UserExists(ctx, "AESUSER313"); err != nil || ok {
		t.Fatalf("UserExists after the drop in the PDB = %v, %v", ok, err)
	}
	if err := pdb.CreateUser(ctx, "AESUSER313", "pw", "USERS"); err != nil {
		t.Fatalf("CREATE USER in the PDB: %v", err)
	}
	bad := NewAdmin(Config{Path: h.Bin("sqlplus"), Container: "NOPE"}, oracle.Options{DropBackoff: -1})
	if err := bad.Ping(ctx); oracle.Code(err) != 65011 {
		t.Fatalf("unknown PDB: %v, want ORA-65011", err)
	}
}

// TestPreflightNonCDB: 11.2 knows no containers (CON_NAME gives ORA-02003), 19c non-CDB
// names no root; both pass while the schema exists. Once it is dropped, only a re-run
// after a half-done restore (mustExist false) passes.
func TestPreflightNonCDB(t *testing.T) {
	for _, release := range []string{"11.2", "19c"} {
		t.Run(release, func(t *testing.T) {
			h := simtest.Init(t, "--tables", "1", "--rows", "1", "--oracle-version", release)
			h.StopIIS(t)
			ctx := context.Background()
			a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
			if err := a.Preflight(ctx, "AESUSER313", "", true); err != nil {
				t.Fatalf("preflight: %v", err)
			}
			if err := a.DropUserCascade(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			if err := a.Preflight(ctx, "AESUSER313", "", true); !errors.Is(err, oracle.ErrPreflight) {
				t.Fatalf("preflight with the schema gone = %v, want a refusal", err)
			}
			if err := a.Preflight(ctx, "AESUSER313", "", false); err != nil {
				t.Fatalf("preflight of a re-run: %v", err)
			}
		})
	}
}
