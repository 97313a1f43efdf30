package sqlplus

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// TestCompileWarningsOnImport: a schema whose views compile with warnings on import
// (IMP-00041 / ORA-39082). The default policy accepts the import; right after it the
// views are INVALID (more than the backup's record), and after COMPILE_SCHEMA only the
// objects that were already broken at backup time remain.
func TestCompileWarningsOnImport(t *testing.T) {
	for _, tool := range []dump.Tool{dump.Imp, dump.Impdp} {
		t.Run(string(tool), func(t *testing.T) {
			h := simtest.Init(t, "--tables", "3", "--rows", "5", "--compile-warnings", "2", "--invalid-objects", "1")
			h.StopIIS(t)
			ctx := context.Background()
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			a := NewAdmin(Config{Path: h.Bin("sqlplus"), Log: log}, oracle.Options{DropBackoff: -1, Log: log})
			defer a.Close()
			recorded, err := a.InvalidCount(ctx, "AESUSER313")
			if err != nil || recorded != 1 {
				t.Fatalf("invalid objects at backup = %d, %v", recorded, err)
			}
			pw := h.Secret(t, "schema-password")
			dir := t.TempDir()
			exp := dump.Job{Tool: dump.Exp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
				File: filepath.Join(dir, "x.dmp"), LogFile: filepath.Join(dir, "exp.log")}
			imp := dump.Job{Tool: dump.Imp, User: "AESUSER313", Password: pw, Alias: "XE", FromUser: "AESUSER313", ToUser: "AESUSER313",
				File: exp.File, LogFile: filepath.Join(dir, "imp.log")}
			r := dump.Runner{Program: h.Bin("exp"), Log: log}
			dpDir := filepath.Join(h.Root, "oracle", "dpdump")
			if tool == dump.Impdp {
				exp = dump.Job{Tool: dump.Expdp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
					File: "x.dmp", LogFile: "exp.log", Directory: "DATA_PUMP_DIR"}
				imp = dump.Job{Tool: dump.Impdp, User: "AESUSER313", Password: pw, Alias: "XE", FromUser: "AESUSER313", ToUser: "AESUSER313",
					File: "x.dmp", LogFile: "imp.log", Directory: "DATA_PUMP_DIR"}
				r.LogDir, r.Program = dpDir, h.Bin("expdp")
			}
			if _, err := r.Run(ctx, exp); err != nil {
				t.Fatalf("export: %v\n%s", err, logs.String())
			}
			if err := a.DropUserCascade(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			if err := a.CreateUser(ctx, "AESUSER313", pw, "USERS"); err != nil {
				t.Fatal(err)
			}
			if err := a.Grant(ctx, "AESUSER313", sqlgen.Connect, sqlgen.Resource, sqlgen.CreateSession, sqlgen.DBA); err != nil {
				t.Fatal(err)
			}
			r.Program = h.Bin(string(tool))
			out, err := r.Run(ctx, imp)
			if err != nil {
				t.Fatalf("import with compilation warnings rejected: %v\n%s", err, logs.String())
			}
			want := "IMP-00041"
			if tool == dump.Impdp {
				want = "ORA-31684,ORA-39082"
			}
			if strings.Join(out.Warnings, ",") != want {
				t.Errorf("warnings = %v, want %s", out.Warnings, want)
			}
			if _, err := (oralog.Policy{}).Check(out.Log, string(tool)); err != nil {
				t.Errorf("policy: %v", err)
			}
			if n, err := a.InvalidCount(ctx, "AESUSER313"); err != nil || n != 3 {
				t.Fatalf("invalid objects right after the import = %d, %v; want 3", n, err)
			}
			if err := a.CompileSchema(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			if n, err := a.InvalidCount(ctx, "AESUSER313"); err != nil || n != recorded {
				t.Fatalf("invalid objects after the recompile = %d, %v; want %d", n, err, recorded)
			}
		})
	}
}
