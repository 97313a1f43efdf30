//go:build !windows

package host

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// TestImpdpAsksTheDatabaseWhatTheDumpIs: a server switched to expdp restores a set whose
// dump is a classic export (made before the switch). The database identifies the staged
// file (DBMS_DATAPUMP.GET_DUMPFILE_INFO: file type 2) and the import fails saying so,
// before impdp runs; vaultkeeper reads none of the file's bytes to decide.
func TestImpdpAsksTheDatabaseWhatTheDumpIs(t *testing.T) {
	h := simtest.Init(t, "--tables", "2", "--rows", "2")
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pw := h.Secret(t, "schema-password")
	setDir := t.TempDir()
	classic := filepath.Join(setDir, "aesuser313.dmp")
	x := dump.Runner{Program: h.Bin("exp"), Log: log}
	if _, err := x.Run(ctx, dump.Job{Tool: dump.Exp, User: "AESUSER313", Password: pw, Alias: "XE", Schema: "AESUSER313",
		File: classic, LogFile: filepath.Join(setDir, "exp.log")}); err != nil {
		t.Fatalf("exp: %v", err)
	}
	dpdump := filepath.Join(h.Root, "oracle", "dpdump")
	srv := &manifests.Server{}
	srv.Spec.Oracle.Tnsnames = h.Tnsnames()
	srv.Spec.Oracle.Schema = "AESUSER313"
	srv.Spec.Oracle.Dump = manifests.DumpSpec{Tool: manifests.DumpExpdp, Bin: filepath.Join(h.Root, "bin"), Directory: "DATA_PUMP_DIR", DirectoryPath: dpdump}
	c := &oracleConn{Client: sqlplus.NewAdmin(sqlplus.Config{Path: h.Bin("sqlplus")}, oracle.Options{}), srv: srv, alias: "XE", schemaPW: pw,
		t: Timeouts{Dump: 2 * time.Minute, Oracle: time.Minute}, log: log, parfileDir: t.TempDir()}
	defer c.Close()
	// The restore's preflight asks first, before anything is stopped: a stall, the copy
	// removed.
	err := c.IdentifyDump(ctx, classic)
	if outcome.Kind(err) != "stalled" || !strings.Contains(err.Error(), "classic export file (file type 2)") {
		t.Fatalf("IdentifyDump of a classic export = %v (%s), want a stall naming file type 2", err, outcome.Kind(err))
	}
	if _, err := os.Stat(filepath.Join(dpdump, "vaultkeeper-identify.dmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the identified copy stays in the directory: %v", err)
	}
	logPath := filepath.Join(setDir, "import.log")
	err = c.Import(ctx, classic, logPath, "AESUSER313", "AESUSER313", nil)
	if err == nil || !strings.Contains(err.Error(), "is not a Data Pump dump file") || !strings.Contains(err.Error(), "classic export file (file type 2)") {
		t.Fatalf("impdp of a classic export = %v", err)
	}
	if _, err := os.Stat(logPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("impdp ran (its log %s exists: %v)", logPath, err)
	}
	if _, err := os.Stat(filepath.Join(dpdump, "vaultkeeper-import.dmp")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the staged copy stays in the directory: %v", err)
	}
}
