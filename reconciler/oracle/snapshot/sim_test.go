package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }

// Canary is a distinctive schema password: it must never show up outside the secret file.
const Canary = "CanaryPw4711Zq"

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// backup does the Oracle half of the backup runbook on a simulated host.
func backup(t *testing.T, h simtest.Host, logs *bytes.Buffer) (catalog.OracleMeta, dumpid.Info, dump.Outcome, error) {
	t.Helper()
	// The logger and the tool's output share one buffer, as they share the run log file in
	// the agent; a file is safe for concurrent writes, a bytes.Buffer only behind a lock.
	shared := &lockedWriter{w: logs}
	log := slog.New(slog.NewTextHandler(shared, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pw := h.Secret(t, "schema-password")
	dir := t.TempDir()
	r := dump.Runner{Program: h.Bin("exp"), Log: log, Output: shared}
	out, err := r.Run(context.Background(), dump.Job{Tool: dump.Exp, User: "AESUSER313", Password: pw, Alias: "XE",
		Schema: "AESUSER313", File: filepath.Join(dir, catalog.FileDump), LogFile: filepath.Join(dir, catalog.FileExportLog)})
	if err != nil {
		return catalog.OracleMeta{}, dumpid.Info{}, out, err
	}
	info, err := dumpid.Identify(filepath.Join(dir, catalog.FileDump))
	if err == nil {
		err = dumpid.Check(info, dumpid.Classic)
	}
	if err != nil {
		return catalog.OracleMeta{}, info, out, err
	}
	admin := sqlplus.NewAdmin(sqlplus.Config{Path: h.Bin("sqlplus"), Log: log}, oracle.Options{Log: log})
	meta, err := Record(context.Background(), admin, "AESUSER313", out)
	return meta, info, out, err
}

func TestBackupRecordsTheSchema(t *testing.T) {
	h := simtest.Init(t, "--password", Canary, "--tables", "6", "--rows", "40")
	h.StopIIS(t)
	var logs bytes.Buffer
	meta, info, out, err := backup(t, h, &logs)
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	db := h.DB(t)
	u := db.User("AESUSER313")
	wantObjs := u.ObjectCounts()
	wantRows := map[string]int64{}
	for _, tb := range u.Tables {
		wantRows[tb.Name] = tb.Rows
	}
	db.Close()
	if p := Compare(catalog.OracleMeta{Schema: "AESUSER313", Objects: wantObjs, Rows: wantRows}, meta.Objects, meta.Rows); len(p) > 0 {
		t.Errorf("recorded %+v differs from the database: %v", meta, p)
	}
	tool, version, charset := Tools(out, info)
	if tool != "exp" || version != "EXPORT:V19.00.00" || charset == "" {
		t.Errorf("Tools = %s %s %s", tool, version, charset)
	}
	raw, _ := json.Marshal(meta)
	for what, text := range map[string]string{"logs": logs.String(), "vaultkeeper.json oracle": string(raw)} {
		if strings.Contains(text, Canary) {
			t.Errorf("the password appears in %s", what)
		}
	}
	for _, ev := range h.Events(t) {
		if strings.Contains(ev, Canary) || strings.Contains(ev, `"passwordInArgv":true`) {
			t.Errorf("the password reached argv: %s", ev)
		}
	}
	if !strings.Contains(logs.String(), "tool=exp") || !strings.Contains(logs.String(), "tool=sqlplus") {
		t.Errorf("the canary check saw no tool output, so it proves nothing:\n%s", logs.String())
	}
}

// TestTruncatedDumpCaught: exp reports success but the dump lacks its end; the header
// check catches what the log cannot.
func TestTruncatedDumpCaught(t *testing.T) {
	h := simtest.Init(t, "--password", Canary, "--tables", "3", "--rows", "2000")
	h.StopIIS(t)
	t.Setenv("ALTIUM_SIM_FAULT_EXP", "{truncateDump: true}")
	var logs bytes.Buffer
	_, info, out, err := backup(t, h, &logs)
	if !errors.Is(err, dumpid.ErrTruncated) {
		t.Fatalf("error = %v (log verdict %v), want ErrTruncated\n%s", err, out.Log.Verdict, logs.String())
	}
	if info.Kind != dumpid.Classic || strings.Contains(err.Error(), Canary) {
		t.Errorf("info %+v, error %v", info, err)
	}
}
