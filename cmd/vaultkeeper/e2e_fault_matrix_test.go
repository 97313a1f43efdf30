package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// faultPoint is one row of the fault matrix: a tool fails, hangs past its timeout or
// prints garbage (faults.yaml), in a backup of production after one good set, or in a
// restore into staging.
type faultPoint struct {
	op     string // backup or restore
	name   string
	faults string // faults.yaml of the host the run works on
	step   string // the step the run must be marked failed at
	fast   bool   // in make test's representative subset
}

// The timeouts the hang rows run under (the demo's are minutes).
var shortTimeouts = []string{"timeouts: {serviceStop: 1m, avbackup: 10m, dump: 10m}", "timeouts: {serviceStop: 3s, avbackup: 3s, dump: 3s, oracle: 3s}"}

// faultPoints complement TestE2EFaultAtEachStep (net stop, avbackup and exp failing, a
// corrupt zip, a truncated dump, exp disk full, exp hanging) and TestE2ERestoreFaults
// (avbackup restore and imp failing, imp garbage): the rows here are the rest.
var faultPoints = []faultPoint{
	{op: "backup", name: "net stop hangs past its timeout", faults: "net:\n  match: stop\n  hang: true\n  count: 1\n", step: "stop-iis"},
	{op: "backup", name: "net start fails once", faults: "net:\n  match: start\n  exit: 2\n  count: 1\n", step: "start-iis"},
	{op: "backup", name: "avbackup hangs past its timeout", faults: "avbackup:\n  hang: true\n", step: "avbackup"},
	{op: "backup", name: "avbackup prints garbage", faults: "avbackup:\n  garbage: true\n", step: "avbackup"},
	{op: "backup", name: "avbackup disk full during the zip", faults: "avbackup:\n  diskFull: true\n", step: "avbackup", fast: true},
	{op: "backup", name: "avbackup partial output", faults: "avbackup:\n  partialOutput: true\n", step: "avbackup"},
	{op: "backup", name: "exp prints garbage", faults: "exp:\n  garbage: true\n", step: "export"},
	{op: "backup", name: "exp partial output", faults: "exp:\n  partialOutput: true\n", step: "export"},
	// Found by the preflight (issue 16), before IIS is stopped; it used to fail at export.
	{op: "backup", name: "Oracle unreachable (sqlplus ORA-12541)", faults: "sqlplus:\n  exit: 1\n", step: "preflight", fast: true},
	{op: "backup", name: "sqlplus hangs past its timeout", faults: "sqlplus:\n  hang: true\n", step: "preflight"},
	{op: "restore", name: "Oracle unreachable at DROP USER", faults: "sqlplus:\n  match: DROP USER\n  exit: 1\n", step: "drop-user", fast: true},
	{op: "restore", name: "CREATE USER fails", faults: "sqlplus:\n  match: CREATE USER\n  exit: 1\n", step: "create-user"},
	{op: "restore", name: "GRANT DBA fails", faults: "sqlplus:\n  match: GRANT DBA\n  exit: 1\n", step: "grant-dba"},
	{op: "restore", name: "REVOKE DBA fails once", faults: "sqlplus:\n  match: REVOKE DBA\n  exit: 1\n  count: 1\n", step: "revoke-dba"},
	{op: "restore", name: "DROP USER prints garbage", faults: "sqlplus:\n  match: DROP USER\n  garbage: true\n", step: "drop-user"},
	{op: "restore", name: "sqlplus hangs at GRANT DBA past its timeout", faults: "sqlplus:\n  match: GRANT DBA\n  hang: true\n", step: "grant-dba"},
	{op: "restore", name: "imp hangs past its timeout", faults: "imp:\n  hang: true\n", step: "import"},
	{op: "restore", name: "avbackup restore hangs past its timeout", faults: "avbackup:\n  match: restore -z\n  hang: true\n", step: "avbackup-restore"},
	{op: "restore", name: "net start fails once", faults: "net:\n  match: start\n  skip: 1\n  exit: 2\n  count: 1\n", step: "start-iis"},
}

// TestE2EFaultMatrix: each row ends in a failed run whose status names the step, one
// failure in the metrics, IIS running, DBA revoked, no partial set, and the sets
// published before untouched. make crash runs every row; make test the fast ones.
func TestE2EFaultMatrix(t *testing.T) {
	for _, c := range faultPoints {
		t.Run(c.op+"/"+c.name, func(t *testing.T) {
			if !c.fast && !fullMatrix() {
				t.Skip("in the full matrix only: make crash (VAULTKEEPER_FULL_MATRIX=1)")
			}
			t.Parallel()
			runFaultPoint(t, c)
		})
	}
}

func runFaultPoint(t *testing.T, c faultPoint) {
	var obs struct{ step, status, iis, dba, partial, metric, sets string }
	obs.dba = "n/a"
	matrixRow(t, "fault", func() []string {
		return []string{c.op, c.name, "`" + faultsInline(c.faults) + "`", obs.step, obs.status, obs.iis, obs.dba, obs.partial, obs.metric, obs.sets}
	})
	restore := c.op == "restore"
	hosts, host := []string{"aes-prod"}, "aes-prod"
	if restore {
		hosts, host = []string{"aes-prod", "aes-staging"}, "aes-staging"
	}
	w := newWorld(t, hosts, restore)
	w.editManifests(shortTimeouts...)
	var before map[string]fileStamp
	if restore {
		w.editManifests("  server: aes-staging\n  schedule:", "  server: aes-staging\n  suspend: true\n  schedule:")
		w.fault(host, c.faults)
		w.start()
	} else {
		w.start()
		w.waitFor("a good set", 60*time.Second, func() bool {
			return w.policy("aes-prod-nightly").LastResult == "success" && len(w.backups()) >= 2
		})
		before = w.publishedFiles()
		w.fault(host, c.faults)
		w.request("policy/aes-prod-nightly")
	}
	var lastErr, lastResult string
	w.waitFor("the run failed", 60*time.Second, func() bool {
		st := readState(t, w.stateDir)
		if restore {
			if rt := st.Restores["staging-refresh"]; rt != nil {
				lastResult, lastErr, obs.step = rt.LastResult, rt.LastError, rt.FailedStep
			}
		} else if p := st.Policies["aes-prod-nightly"]; p != nil {
			lastResult, lastErr = p.LastResult, p.LastError
			for _, h := range st.History {
				if h.Object == "policy/aes-prod-nightly" && h.Result == state.RunFailed {
					obs.step = h.FailedStep
				}
			}
		}
		return lastResult == "failure" && obs.step != ""
	})
	w.fault(host, "")
	obs.status = strings.ReplaceAll(firstLine(strings.ReplaceAll(lastErr, w.dir, "$W"), 120), "|", "/")
	if obs.step != c.step || !strings.HasPrefix(lastErr, "step "+c.step+":") {
		t.Errorf("failed at %q (%s), want step %s", obs.step, lastErr, c.step)
	}
	// Deferred steps (start IIS, revoke DBA) have run once the run is recorded.
	obs.iis = "running"
	if v := w.simVerify(host); !v.IISRunning {
		obs.iis = "**stopped**"
		t.Errorf("IIS not running after the failure: %+v", v)
	}
	if restore {
		obs.dba = "revoked"
		if w.hasDBA(host) {
			obs.dba = "**held**"
			t.Error("DBA still held after the failure")
		}
	}
	obs.partial = "none"
	if p := w.partialFolders(); len(p) > 0 {
		obs.partial = "**" + strings.Join(p, ", ") + "**"
		t.Errorf("partial folders left: %v", p)
	}
	for _, b := range w.backups() {
		if !b.Complete {
			obs.partial += " **catalog: " + b.ID + "**"
			t.Errorf("the catalog serves an incomplete set: %+v", b)
		}
	}
	series := `vaultkeeper_backup_runs_total{policy="aes-prod-nightly",result="failure",server="aes-prod"}`
	if restore {
		series = `vaultkeeper_restore_runs_total{restore="staging-refresh",result="failure",server="aes-staging"}`
	}
	m := w.metrics()
	obs.metric = "failure=" + metricValue(m, series)
	// A failed backup is retried with backoff, so on a slow host (Wine) a retry may have
	// failed too by now; a restore that failed is never retried by itself: exactly one.
	if v := metricValue(m, series); restore && v != "1" {
		t.Errorf("%s is %q, want 1 (a failed restore is not retried)", series, v)
	} else if n, err := strconv.Atoi(v); !restore && (err != nil || n < 1) {
		t.Errorf("%s is %q, want at least 1", series, v)
	}
	if !restore {
		obs.sets = "untouched"
		if bad := untouched(before, w.publishedFiles()); len(bad) > 0 {
			obs.sets = "**changed**"
			t.Errorf("published sets changed:\n%s", strings.Join(bad, "\n"))
		}
		if n := len(w.setFolders("aes-prod")); n != 1 {
			obs.sets += ", **" + strings.Join(w.setFolders("aes-prod"), " ") + "**"
			t.Errorf("sets of aes-prod after the failed run: %v, want the good one only", w.setFolders("aes-prod"))
		}
	} else {
		obs.sets = "production set untouched"
		// The production set the restore read is unchanged by the failed restore.
		for _, b := range w.backups() {
			if b.Server == "aes-prod" && !b.Verified {
				obs.sets = "**production set unverified**"
				t.Errorf("production set no longer verified: %+v", b)
			}
		}
	}
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// TestE2ENetStopSaysStoppedButIISRuns: `net stop` prints garbage and exits 0 while IIS keeps
// running. The agent checks IIS's state after every stop, so the run fails at stop-iis and no
// set that mixes two moments is published.
func TestE2ENetStopSaysStoppedButIISRuns(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.editManifests(shortTimeouts...) // the grace for IIS to report stopped is min(15 s, serviceStop)
	w.fault("aes-prod", "net:\n  match: stop\n  garbage: true\n  count: 1\n")
	w.start()
	var p = w.policy("aes-prod-nightly")
	w.waitFor("the run ended", 60*time.Second, func() bool {
		p = w.policy("aes-prod-nightly")
		return p.LastResult != ""
	})
	if p.LastResult != "failure" || !strings.Contains(p.LastError, "IIS still runs") || !strings.Contains(p.LastError, "stop-iis") {
		t.Fatalf("result %q, error %q: want a failure at stop-iis saying IIS still runs", p.LastResult, p.LastError)
	}
	for _, b := range w.backups() {
		t.Errorf("a set was published although IIS never stopped: %s", b.Dir)
	}
	if v := w.simVerify("aes-prod"); !v.IISRunning {
		t.Errorf("IIS not running: %+v", v)
	}
}

// TestE2EKnownGapAvbackupRestoreExitsZeroRestoresNothing pins an open gap (docs/CRASH-MATRIX.md,
// "Known gaps" 1) in every make test: `avbackup restore` prints garbage and exits 0 without
// touching the file storage. The database is restored, the files are not, and the restore
// reports success on an inconsistent host. The test passes only while exactly that happens;
// it fails when the restore fails at another step or the fault does not act, and also when
// the agent starts detecting the problem (then the gap is closed: rename this test and move
// the entry out of the known gaps).
func TestE2EKnownGapAvbackupRestoreExitsZeroRestoresNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	w.editManifests("  server: aes-staging\n  schedule:", "  server: aes-staging\n  suspend: true\n  schedule:")
	w.fault("aes-staging", "avbackup:\n  match: restore -z\n  garbage: true\n")
	w.start()
	var rt *state.Restore
	w.waitFor("the restore ended", 90*time.Second, func() bool {
		rt = readState(t, w.stateDir).Restores["staging-refresh"]
		return rt != nil && rt.LastResult != ""
	})
	v := w.simVerify("aes-staging")
	if n := w.toolStarts("aes-staging", "avbackup", "restore"); n != 1 {
		t.Fatalf("avbackup restore ran %d times on staging, want 1: the fault cannot have acted", n)
	}
	if !v.IISRunning || w.hasDBA("aes-staging") {
		t.Errorf("after the restore: IIS running %v, DBA held %v", v.IISRunning, w.hasDBA("aes-staging"))
	}
	switch {
	case rt.LastResult == "failure" && (rt.FailedStep == "avbackup-restore" || rt.FailedStep == "verify-restore"):
		t.Fatalf("the gap is closed: the restore failed at %s (%s); rename this test and update docs/CRASH-MATRIX.md", rt.FailedStep, rt.LastError)
	case rt.LastResult != "success":
		t.Fatalf("the restore failed at step %q (%s), not the gap this test pins", rt.FailedStep, rt.LastError)
	case v.Consistent || v.FilesGeneration == v.DBGeneration:
		t.Fatalf("the restore succeeded and staging is consistent: the fault did not act: %+v", v)
	}
	t.Logf("KNOWN GAP (docs/CRASH-MATRIX.md): the restore reported success, staging is inconsistent: %v", v.Problems)
}

// faultsInline writes a faults.yaml entry on one line: "net: {match: start, exit: 2}".
func faultsInline(yaml string) string {
	lines := strings.Split(strings.TrimSpace(yaml), "\n")
	var kv []string
	for _, l := range lines[1:] {
		kv = append(kv, strings.TrimSpace(l))
	}
	return lines[0] + " {" + strings.Join(kv, ", ") + "}"
}
