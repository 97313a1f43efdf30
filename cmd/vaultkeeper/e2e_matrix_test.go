package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// crashPoint is one point of the crash matrix: altium-sim holds one tool call of a runbook
// step (faults.yaml hangUntil, narrowed by match and skip), the agent is SIGKILLed while it
// is held, and a new agent recovers.
type crashPoint struct {
	op    string // backup or restore
	step  string // the runbook step the run must be marked failed at
	tool  string // the faults.yaml key
	match string // the text the held call's argv or stdin holds
	skip  int    // matching calls let through first
	fast  bool   // in make test's representative subset
	// alsoFailed is a second run the recovery must mark failed (object, step): the
	// safety backup a restore died in is a backup run of its own.
	alsoFailed [2]string
}

// crashPoints are the tool-running steps of DESIGN §4's runbooks. On the restore target
// the staging policy is suspended, so its calls are exactly the safety backup's and the
// restore's: net stop, start twice, avbackup backup then restore. The steps that run no
// tool (check-destination, hash, verify, publish, replicate, verify-set) cannot be held
// this way; see docs/CRASH-MATRIX.md.
var crashPoints = []crashPoint{
	{op: "backup", step: "stop-iis", tool: "net", match: "stop", fast: true},
	{op: "backup", step: "avbackup", tool: "avbackup", match: "backup -z"},
	{op: "backup", step: "export", tool: "exp"},
	{op: "backup", step: "start-iis", tool: "net", match: "start", fast: true},
	{op: "restore", step: "safety-backup", tool: "avbackup", match: "backup -z", alsoFailed: [2]string{"policy/aes-staging-nightly", "avbackup"}},
	{op: "restore", step: "stop-iis", tool: "net", match: "stop", skip: 1},
	{op: "restore", step: "avbackup-restore", tool: "avbackup", match: "restore -z"},
	{op: "restore", step: "drop-user", tool: "sqlplus", match: "DROP USER"},
	{op: "restore", step: "create-user", tool: "sqlplus", match: "CREATE USER"},
	{op: "restore", step: "grant-dba", tool: "sqlplus", match: "GRANT DBA", fast: true},
	{op: "restore", step: "import", tool: "imp"},
	{op: "restore", step: "revoke-dba", tool: "sqlplus", match: "REVOKE DBA"},
	// The object counts of verify-restore; the safety backup's export counted them once.
	{op: "restore", step: "verify-restore", tool: "sqlplus", match: "FROM DBA_OBJECTS", skip: 1},
	{op: "restore", step: "start-iis", tool: "net", match: "start", skip: 1},
}

// TestE2ECrashMatrix: for every tool-running step of the backup and restore runbooks, the
// agent dies (SIGKILL) while the tool is held; the held tool, orphaned, is then let finish
// (or die of its closed pipes) and a new agent starts. It must leave: no partial set in the
// catalog or on disk, IIS running, DBA revoked, the run failed at that step in the history
// and the metrics, earlier published sets byte-for-byte and mtime untouched, state readable,
// and a half-done restore not re-run by itself. make test runs the points marked fast;
// make crash (VAULTKEEPER_FULL_MATRIX=1) runs them all.
func TestE2ECrashMatrix(t *testing.T) {
	for _, c := range crashPoints {
		name := c.op + "/" + c.step
		t.Run(name, func(t *testing.T) {
			if !c.fast && !fullMatrix() {
				t.Skip("in the full matrix only: make crash (VAULTKEEPER_FULL_MATRIX=1)")
			}
			t.Parallel()
			runCrashPoint(t, c)
		})
	}
}

func runCrashPoint(t *testing.T, c crashPoint) {
	var obs struct {
		failedStep, iis, dba, partial, metric, sets, rerun string
	}
	obs.dba = "n/a"
	obs.rerun = "n/a"
	matrixRow(t, "crash", func() []string {
		hold := c.tool
		if c.match != "" {
			hold += " `" + c.match + "`"
		}
		if c.skip > 0 {
			hold += " (2nd)"
		}
		return []string{c.op, c.step, hold, obs.failedStep, obs.iis, obs.dba, obs.partial, obs.metric, obs.sets, obs.rerun}
	})
	restore := c.op == "restore"
	hosts, host, object := []string{"aes-prod"}, "aes-prod", "policy/aes-prod-nightly"
	if restore {
		hosts, host, object = []string{"aes-prod", "aes-staging"}, "aes-staging", "restore/staging-refresh"
	}
	w := newWorld(t, hosts, restore)
	release := filepath.Join(w.dir, "release")
	hold := c.tool + ":\n  hangUntil: " + release + "\n  count: 1\n"
	if c.match != "" {
		hold += "  match: " + c.match + "\n"
	}
	if c.skip > 0 {
		hold += "  skip: " + strconv.Itoa(c.skip) + "\n"
	}
	var before map[string]fileStamp
	if restore {
		// The staging policy's own schedule would interleave its backups with the
		// restore's; suspended, only the restore (and its safety backup) runs there.
		w.editManifests("  server: aes-staging\n  schedule:", "  server: aes-staging\n  suspend: true\n  schedule:")
		w.fault(host, hold)
		w.start()
	} else {
		// One good backup first: it must come out of the crash untouched.
		w.start()
		w.waitFor("a good set", 60*time.Second, func() bool {
			p := w.policy("aes-prod-nightly")
			return p.LastResult == "success" && len(w.backups()) >= 2 // primary and replica
		})
		before = w.publishedFiles()
		w.fault(host, hold)
		w.request(object)
	}
	held := w.heldCall(host, c.tool, 90*time.Second)
	w.kill()
	if restore {
		before = w.publishedFiles() // the production set, and the safety set once published
	}
	// The held tool outlives the agent (its own process group); let it go and wait for it to
	// end, so recovery does not race an orphan (see docs/CRASH-MATRIX.md on that gap).
	w.fault(host, "")
	os.WriteFile(release, nil, 0o644)
	w.waitPidGone(held.Pid, 30*time.Second)
	w.start()

	var hist []state.RunSummary
	w.waitFor("the dead run marked failed", 30*time.Second, func() bool {
		hist = readState(t, w.stateDir).History
		mine, also := false, c.alsoFailed[0] == ""
		for _, h := range hist {
			if h.Object == object && h.Result == state.RunFailed {
				obs.failedStep, mine = h.FailedStep, true
			}
			also = also || (h.Object == c.alsoFailed[0] && h.Result == state.RunFailed)
		}
		return mine && also
	})
	if obs.failedStep != c.step {
		t.Errorf("%s marked failed at %q, want %q; history %+v", object, obs.failedStep, c.step, hist)
	}
	if o, s := c.alsoFailed[0], c.alsoFailed[1]; o != "" {
		found := false
		for _, h := range hist {
			found = found || (h.Object == o && h.Result == state.RunFailed && h.FailedStep == s)
		}
		if !found {
			t.Errorf("%s not marked failed at %s; history %+v", o, s, hist)
		}
	}
	if v := w.simVerify(host); v.IISRunning {
		obs.iis = "running"
	} else {
		obs.iis = "**stopped**"
		t.Errorf("IIS not running after recovery: %+v", v)
	}
	obs.partial = "none"
	if p := w.partialFolders(); len(p) > 0 {
		obs.partial = "**" + strings.Join(p, ", ") + "**"
		t.Errorf("partial folders left: %v", p)
	}
	for _, b := range w.backups() {
		if !b.Complete || strings.HasSuffix(b.Dir, ".partial") {
			obs.partial += " **catalog: " + b.ID + "**"
			t.Errorf("the catalog serves an incomplete set: %+v", b)
		}
	}
	m := w.metrics()
	series := `vaultkeeper_backup_runs_total{policy="aes-prod-nightly",result="failure",server="aes-prod"}`
	if restore {
		series = `vaultkeeper_restore_runs_total{restore="staging-refresh",result="failure",server="aes-staging"}`
	}
	obs.metric = "failure=" + metricValue(m, series)
	if metricValue(m, series) != "1" {
		t.Errorf("metrics: %s is %q, want 1:\n%s", series, metricValue(m, series), grep(m, "runs_total"))
	}
	if c.alsoFailed[0] != "" {
		s := `vaultkeeper_backup_runs_total{policy="aes-staging-nightly",result="failure",server="aes-staging"}`
		obs.metric += ", safety backup failure=" + metricValue(m, s)
		if metricValue(m, s) != "1" {
			t.Errorf("metrics: %s is %q, want 1", s, metricValue(m, s))
		}
	}
	if restore {
		obs.dba = "revoked"
		if w.hasDBA(host) {
			obs.dba = "**held**"
			t.Error("AESUSER313 still holds DBA after recovery")
		}
	}
	// The new agent has decided to leave the object alone (its plan shows the restore
	// blocked, or the backup waiting for its retry, and nothing running): the published
	// sets are untouched and nothing appeared meanwhile.
	w.leftAlone(object)
	after := w.publishedFiles()
	obs.sets = strconv.Itoa(len(setsIn(before))) + " untouched"
	if bad := untouched(before, after); len(bad) > 0 {
		obs.sets = "**changed**"
		t.Errorf("published sets changed across the crash:\n%s", strings.Join(bad, "\n"))
	}
	if len(before) == 0 {
		t.Error("no published set before the crash to hold untouched")
	}
	st := readState(t, w.stateDir)
	if restore {
		n := 0
		for _, h := range st.History {
			if h.Kind == "restore" {
				n++
			}
		}
		obs.rerun = "no"
		if n != 1 {
			obs.rerun = "**yes**"
			t.Errorf("the interrupted restore ran again by itself (%d restore runs)", n)
		}
		rv := w.restoreView("staging-refresh")
		if !strings.Contains(ready(rv.Conditions), "stopped during step "+c.step) {
			t.Errorf("restore status does not say where it stopped: %+v", rv.Conditions)
		}
		if rt := st.Restores["staging-refresh"]; rt == nil || rt.FailedStep != c.step {
			t.Errorf("state restores[staging-refresh] = %+v, want failedStep %s", rt, c.step)
		}
	} else {
		p := w.policy("aes-prod-nightly")
		if p.LastResult != "failure" || !strings.Contains(p.LastError, "stopped during step "+c.step) {
			t.Errorf("policy status after recovery: result %q, error %q", p.LastResult, p.LastError)
		}
	}
}

// setsIn counts the set folders among the stamped files.
func setsIn(files map[string]fileStamp) map[string]bool {
	sets := map[string]bool{}
	for p := range files {
		sets[filepath.Dir(p)] = true
	}
	return sets
}
