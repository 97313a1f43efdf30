package dump

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
)

func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }

const canary = "Kanarie7Q9zX" // schema password of the simulated hosts below

func runner(h simtest.Host, tool Tool, logs *bytes.Buffer) Runner {
	return Runner{Program: h.Bin(string(tool)), Log: slog.New(slog.NewTextHandler(logs, nil)), Output: logs,
		LogDir: filepath.Join(h.Root, "oracle", "dpdump")}
}

func schemaRows(t *testing.T, h simtest.Host, user string) map[string]int64 {
	db := h.DB(t)
	defer db.Close()
	rows := map[string]int64{}
	for _, tb := range db.User(user).Tables {
		rows[tb.Name] = tb.Rows
	}
	return rows
}

func sameRows(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestExportImportRoundTrip does the seeds' backup and restore of the schema with both
// tool families, through the same steps the runbooks take.
func TestExportImportRoundTrip(t *testing.T) {
	for _, family := range []struct{ exp, imp Tool }{{Exp, Imp}, {Expdp, Impdp}} {
		t.Run(string(family.exp), func(t *testing.T) {
			h := simtest.Init(t, "--password", canary, "--tables", "4", "--rows", "50")
			h.StopIIS(t)
			want := schemaRows(t, h, "AESUSER313")
			dir := t.TempDir()
			var logs bytes.Buffer
			job := Job{Tool: family.exp, User: "aesuser313", Password: canary, Alias: "XE", Schema: "AESUSER313",
				File: filepath.Join(dir, "oracle.dmp"), LogFile: filepath.Join(dir, "oracle-export.log")}
			if family.exp.DataPump() {
				job.Directory, job.File, job.LogFile = "DATA_PUMP_DIR", "oracle.dmp", "oracle-export.log"
			}
			ctx := context.Background()
			out, err := runner(h, family.exp, &logs).Run(ctx, job)
			if err != nil {
				t.Fatalf("export: %v\n%s", err, logs.String())
			}
			if out.Log.Verdict != oralog.Success || out.Exit != ExitSuccess || !sameRows(out.Log.Rows, want) {
				t.Fatalf("export outcome %+v, want rows %v", out, want)
			}

			admin := sqlplus.NewAdmin(sqlplus.Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
			if err := admin.DropUserCascade(ctx, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			if err := admin.CreateUser(ctx, "AESUSER313", canary, "USERS"); err != nil {
				t.Fatal(err)
			}
			if err := admin.Grant(ctx, "AESUSER313", sqlgen.Connect, sqlgen.Resource, sqlgen.CreateSession); err != nil {
				t.Fatal(err)
			}
			if err := admin.Grant(ctx, "AESUSER313", sqlgen.DBA); err != nil {
				t.Fatal(err)
			}
			imp := Job{Tool: family.imp, User: "AESUSER313", Password: canary, Alias: "XE", FromUser: "AESUSER313",
				File: job.File, LogFile: filepath.Join(dir, "oracle-import.log"), Directory: job.Directory}
			if family.imp.DataPump() {
				imp.LogFile = "oracle-import.log"
			}
			r := runner(h, family.imp, &logs)
			if family.imp.DataPump() {
				r.Policy.Accept = []string{AllowPrecreatedUser}
			}
			out, err = r.Run(ctx, imp)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, logs.String())
			}
			if err := admin.Revoke(ctx, "AESUSER313", sqlgen.DBA); err != nil {
				t.Fatal(err)
			}
			got, err := admin.RowCounts(ctx, "AESUSER313")
			if err != nil || !sameRows(got, want) || !sameRows(out.Log.Rows, want) {
				t.Fatalf("after import: rows %v (log %v), want %v: %v", got, out.Log.Rows, want, err)
			}
			assertNoCanary(t, h, logs.String(), out)
		})
	}
}

func assertNoCanary(t *testing.T, h simtest.Host, logs string, v any) {
	t.Helper()
	for _, ev := range h.Events(t) {
		if strings.Contains(ev, canary) || strings.Contains(ev, `"passwordInArgv":true`) {
			t.Errorf("password in argv: %s", ev)
		}
	}
	if strings.Contains(logs, canary) {
		t.Errorf("password in the logs:\n%s", logs)
	}
	if s := strings.ToLower(strings.TrimSpace(stringOf(v))); strings.Contains(s, strings.ToLower(canary)) {
		t.Errorf("password in %s", s)
	}
}

func stringOf(v any) string {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("v", "v", v)
	return b.String()
}

// TestFailures: the verdict comes from the log and the exit status together, and no
// failure carries the password.
func TestFailures(t *testing.T) {
	tests := []struct {
		name   string
		fault  string // ALTIUM_SIM_FAULT_EXP
		pw     string
		verd   oralog.Verdict
		isTool bool // the tool did not run to a verdict (timeout, start failure)
	}{
		{name: "wrong password", pw: "Wrong1", verd: oralog.Failure},
		{name: "exit 1", fault: "{exit: 1}", pw: canary, verd: oralog.Failure},
		{name: "partial output", fault: "{partialOutput: true}", pw: canary, verd: oralog.Failure},
		{name: "disk full", fault: "{diskFull: true}", pw: canary, verd: oralog.Failure},
		{name: "garbage", fault: "{garbage: true}", pw: canary, verd: oralog.Failure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := simtest.Init(t, "--password", canary, "--tables", "2", "--rows", "5")
			if tc.fault != "" {
				t.Setenv("ALTIUM_SIM_FAULT_EXP", tc.fault)
			}
			dir := t.TempDir()
			var logs bytes.Buffer
			out, err := runner(h, Exp, &logs).Run(context.Background(), Job{Tool: Exp, User: "AESUSER313", Password: tc.pw,
				Alias: "XE", Schema: "AESUSER313", File: filepath.Join(dir, "o.dmp"), LogFile: filepath.Join(dir, "o.log")})
			if !errors.Is(err, oralog.ErrRejected) {
				t.Fatalf("error = %v, want ErrRejected\n%s", err, logs.String())
			}
			if out.Log.Verdict != tc.verd {
				t.Errorf("verdict %v (%s), want %v", out.Log.Verdict, out.Log.Reason, tc.verd)
			}
			if strings.Contains(err.Error(), canary) {
				t.Errorf("error leaks the password: %v", err)
			}
			assertNoCanary(t, h, logs.String(), out)
		})
	}
}

// TestTimeoutKillsTool: a hanging exp is killed at the runner's timeout.
func TestTimeoutKillsTool(t *testing.T) {
	h := simtest.Init(t, "--password", canary, "--tables", "1", "--rows", "1")
	t.Setenv("ALTIUM_SIM_FAULT_EXP", "{hang: true}")
	r := runner(h, Exp, &bytes.Buffer{})
	r.Timeout = 500_000_000
	dir := t.TempDir()
	_, err := r.Run(context.Background(), Job{Tool: Exp, User: "AESUSER313", Password: canary, Alias: "XE",
		Schema: "AESUSER313", File: filepath.Join(dir, "o.dmp"), LogFile: filepath.Join(dir, "o.log")})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("error = %v, want a timeout", err)
	}
}
