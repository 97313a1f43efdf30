package sqlplus

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
)

// TestDumpfileInfo: the database identifies a file in a directory object
// (DBMS_DATAPUMP.GET_DUMPFILE_INFO through a PL/SQL block printing with DBMS_OUTPUT):
// an expdp file is type 1 with its header items, an exp file type 2, other bytes type 0,
// a missing file ORA-39211.
func TestDumpfileInfo(t *testing.T) {
	h := simtest.Init(t, "--tables", "2", "--rows", "2")
	h.StopIIS(t)
	ctx := context.Background()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	pw := h.Secret(t, "schema-password")
	dir := filepath.Join(h.Root, "oracle", "dpdump")
	r := dump.Runner{Program: h.Bin("expdp"), Log: log, LogDir: dir}
	if _, err := r.Run(ctx, dump.Job{Tool: dump.Expdp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
		File: "dp.dmp", LogFile: "dp.log", Directory: "DATA_PUMP_DIR"}); err != nil {
		t.Fatalf("expdp: %v\n%s", err, logs.String())
	}
	classic := filepath.Join(t.TempDir(), "exp.dmp")
	x := dump.Runner{Program: h.Bin("exp"), Log: log}
	if _, err := x.Run(ctx, dump.Job{Tool: dump.Exp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
		File: classic, LogFile: classic + ".log"}); err != nil {
		t.Fatalf("exp: %v\n%s", err, logs.String())
	}
	b, err := os.ReadFile(classic)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exp.dmp"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), bytes.Repeat([]byte("not a dump\n"), 500), 0o644); err != nil {
		t.Fatal(err)
	}
	a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{})
	defer a.Close()

	info, err := a.DumpfileInfo(ctx, "DATA_PUMP_DIR", "dp.dmp")
	if err != nil {
		t.Fatal(err)
	}
	if info.FileType != oracle.FileTypeDataPump || info.CheckDataPump() != nil {
		t.Fatalf("expdp file: %+v", info)
	}
	for code, want := range map[int]string{oracle.ItemFileVersion: "5.1", oracle.ItemCharsetID: "178",
		oracle.ItemJobName: "SYS_EXPORT_SCHEMA_01", oracle.ItemPlatform: "x86_64/Linux 2.4.xx", oracle.ItemDBVersion: "19.00.00.00.00"} {
		if info.Items[code] != want {
			t.Errorf("item %d = %q, want %q (all: %v)", code, info.Items[code], want, info.Items)
		}
	}
	for _, tc := range []struct {
		file string
		want int
	}{{"exp.dmp", oracle.FileTypeClassic}, {"notes.txt", oracle.FileTypeUnknown}} {
		info, err := a.DumpfileInfo(ctx, "DATA_PUMP_DIR", tc.file)
		if err != nil {
			t.Fatal(err)
		}
		err = info.CheckDataPump()
		if info.FileType != tc.want || err == nil || !strings.Contains(err.Error(), "is not a Data Pump dump file") {
			t.Errorf("%s: type %d (want %d), check %v", tc.file, info.FileType, tc.want, err)
		}
	}
	if _, err := a.DumpfileInfo(ctx, "DATA_PUMP_DIR", "gone.dmp"); err == nil || !strings.Contains(err.Error(), "ORA-39211") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := a.DumpfileInfo(ctx, "DATA_PUMP_DIR", "../dp.dmp"); err == nil {
		t.Error("a path instead of a file name was accepted")
	}
}
