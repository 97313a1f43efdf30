package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	simhost "github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// simTool runs one of a simulated host's tools and fails the test unless it exits 0.
func simTool(t testing.TB, root, stdin, tool string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(root, "bin", tool), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v on %s: %v\n%s", tool, args, root, err, out)
	}
	return string(out)
}

// restoreByHand puts a set onto a fresh simulated host with the seed's steps (IIS stopped,
// avbackup restore, DROP/CREATE USER, imp as SYSTEM) and returns altium-sim verify's report
// with IIS still stopped (so the application has not moved the generation on).
func restoreByHand(t *testing.T, dir, setDir string) simhost.Report {
	t.Helper()
	h := harness.NewHost(t, "check", filepath.Join(dir, "hosts", "check"), "--files", "30", "--tables", "4", "--rows", "50")
	simTool(t, h.Root, "", "net", "stop", "WAS", "/y")
	simTool(t, h.Root, "", "avbackup", "restore", "-z", filepath.Join(setDir, catalog.FileZip), "-i", filepath.Join(h.Root, "LocalVault.ini"))
	lv, err := simhost.ReadLocalVault(simhost.Host{Root: h.Root}.LocalVault()) // the set's own
	if err != nil {
		t.Fatal(err)
	}
	simTool(t, h.Root, "WHENEVER SQLERROR EXIT SQL.SQLCODE\nDROP USER "+lv.User+" CASCADE;\nCREATE USER "+lv.User+" IDENTIFIED BY \""+lv.Password+"\""+
		" DEFAULT TABLESPACE USERS QUOTA UNLIMITED ON USERS;\nGRANT CONNECT, RESOURCE, CREATE SESSION TO "+lv.User+";\nEXIT\n", "sqlplus", "-S", "/ as sysdba")
	par := filepath.Join(t.TempDir(), "imp.par")
	os.WriteFile(par, []byte("userid=SYSTEM/Manager19c@XE\nfile="+filepath.Join(setDir, catalog.FileDump)+"\nlog="+filepath.Join(t.TempDir(), "imp.log")+
		"\nfromuser="+lv.User+"\ntouser="+lv.User+"\n"), 0o600)
	simTool(t, h.Root, "", "imp", "parfile="+par)
	return h.Verify(t)
}

// netCalls are the host's `net stop` / `net start` calls in order ("stop", "start").
func netCalls(evs []events.Record) []string {
	var out []string
	for _, e := range evs {
		if e.Tool == "net" && e.Phase == "start" && len(e.Argv) > 0 {
			out = append(out, e.Argv[0])
		}
	}
	return out
}

// TestE2EMinimalDowntime (#18): aes-prod's policy asks for downtime: minimal. Its backup
// starts IIS right after avbackup and exports with FLASHBACK_SCN while the application
// writes again; the set records the mode and the SCN, and restored into staging it is
// consistent. The restore into staging stops IIS once: the safety backup runs inside that
// outage, so the safety set is exactly the state the restore overwrote (restored by hand
// onto a fresh host it has the generation staging had when the restore began overwriting).
func TestE2EMinimalDowntime(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(b), "  maxAge: 26h\n", "  maxAge: 26h\n  downtime: minimal\n", 1)), 0o644)
	release := filepath.Join(w.dir, "release")
	w.fault("aes-staging", "avbackup:\n  match: restore\n  hangUntil: "+release+"\n")
	// exp with FLASHBACK_SCN needs EXECUTE on SYS.DBMS_FLASHBACK (the backup checks it
	// before stopping IIS; a restore grants it).
	simTool(t, w.hosts["aes-prod"], "WHENEVER SQLERROR EXIT SQL.SQLCODE\nGRANT EXECUTE ON SYS.DBMS_FLASHBACK TO AESUSER313;\nEXIT\n", "sqlplus", "-S", "/ as sysdba")
	w.start()

	// Hold the restore's avbackup restore: staging is stopped and its safety set taken.
	w.waitFor("the restore's avbackup restore to start", 120*time.Second, func() bool {
		for _, e := range w.events("aes-staging") {
			if e.Tool == "avbackup" && e.Phase == "start" && len(e.Argv) > 0 && e.Argv[0] == "restore" {
				return true
			}
		}
		return false
	})
	before := w.simVerify("aes-staging")
	if before.IISRunning {
		t.Fatalf("staging runs IIS while the restore overwrites it: %+v", before)
	}
	os.WriteFile(release, nil, 0o644)
	var r reconciler.RestoreView
	w.waitFor("the restore", 120*time.Second, func() bool {
		r = w.restoreView("staging-refresh")
		return r.RestoredSet != ""
	})

	// The minimal set: its record, the order of the tool calls, the metric.
	setDir := filepath.Join(w.dir, "backups", "aes-prod", r.RestoredSet)
	m, err := catalog.ReadMeta(setDir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Downtime != "minimal" || m.Oracle.SCN == 0 {
		t.Errorf("set record: downtime %q, scn %d; want minimal and the SCN", m.Downtime, m.Oracle.SCN)
	}
	var order []string
	for _, e := range w.events("aes-prod") {
		if e.Phase == "start" && (e.Tool == "net" || e.Tool == "avbackup" || e.Tool == "exp") {
			order = append(order, e.Tool+" "+e.Argv[0])
		}
	}
	if got := strings.Join(order, ", "); !strings.HasPrefix(got, "net stop, avbackup backup, net start, exp parfile=") {
		t.Errorf("aes-prod tool calls: %s; want IIS started before the export", got)
	}
	if !strings.Contains(w.metrics(), `vaultkeeper_backup_downtime_seconds{policy="aes-prod-nightly",server="aes-prod"}`) {
		t.Errorf("no downtime metric:\n%s", grep(w.metrics(), "downtime"))
	}
	if v := w.simVerify("aes-staging"); !v.Consistent {
		t.Errorf("staging restored from the minimal set: %+v", v)
	}

	// One outage per restore: between staging's stop and start, the safety backup and
	// the restore; the safety set holds what the restore overwrote.
	evs := w.events("aes-staging")
	restoreAt := -1
	for i, e := range evs {
		if e.Tool == "avbackup" && e.Phase == "start" && e.Argv[0] == "restore" {
			restoreAt = i
		}
	}
	stopAt := -1
	for i := restoreAt; i >= 0; i-- {
		if evs[i].Tool == "net" && evs[i].Phase == "start" {
			stopAt = i
			break
		}
	}
	if stopAt < 0 || evs[stopAt].Argv[0] != "stop" {
		t.Fatalf("no net stop before the restore's avbackup restore: %v", netCalls(evs))
	}
	var inside []string
	for _, e := range evs[stopAt+1 : restoreAt] {
		if e.Phase == "start" && e.Tool != "sqlplus" && e.Tool != "appcmd" {
			inside = append(inside, e.Tool+" "+e.Argv[0])
		}
	}
	if got := strings.Join(inside, ", "); !strings.HasPrefix(got, "avbackup backup, exp ") || strings.Contains(got, "net ") {
		t.Errorf("inside the restore's outage: %s; want the safety avbackup and export, no IIS start", got)
	}
	if calls := netCalls(evs[restoreAt:]); len(calls) != 1 || calls[0] != "start" {
		t.Errorf("after the avbackup restore: net %v, want one start", calls)
	}
	var safety *reconciler.BackupView
	for _, b := range w.backups() {
		if b.Kind == catalog.KindSafety && b.Server == "aes-staging" {
			safety = &b
		}
	}
	if safety == nil {
		t.Fatal("no safety set")
	}
	got := restoreByHand(t, w.dir, safety.Dir)
	if !got.Consistent || got.FilesGeneration != before.FilesGeneration || got.DBGeneration != before.DBGeneration {
		t.Errorf("safety set restored: %+v; want consistent at generation %d (staging right before the restore overwrote it)", got, before.FilesGeneration)
	}
	raw, _ := json.Marshal(m)
	t.Logf("minimal set record: %s", raw)
}
