package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

// The end-to-end tests of issue 14's "Today it can" bullets on the restore side: each shows
// that altium-sim's event log holds no second `avbackup restore` (which comes before every
// DROP USER of a restore), or the refusal.

// restores counts the avbackup restore calls on staging: one per restore that began
// overwriting (DROP USER follows it in the runbook, never precedes it).
func (w *world) restores() int { return w.toolStarts("aes-staging", "avbackup", "restore") }

// condStatus is the status of the condition typ in conds, "" when absent.
func condStatus(conds []state.Condition, typ string) string {
	for _, c := range conds {
		if c.Type == typ {
			return c.Status
		}
	}
	return ""
}

// settled waits until the running agent is idle (no backup or restore due or running) and
// returns its plan: the loop's own decision, taken on the same state, to leave the restore
// alone.
func (w *world) settled(what string) harness.Plan {
	w.t.Helper()
	var p harness.Plan
	w.waitFor(what, 90*time.Second, func() bool {
		p = w.agent.Plan()
		for _, a := range p.Actions {
			if a.Kind == "restore" || a.Kind == "backup" {
				return false
			}
		}
		for _, pv := range w.policiesServed() {
			if pv.Running {
				return false
			}
		}
		// No restore run in flight: its journal lives in runs/ until it ends.
		ents, _ := os.ReadDir(filepath.Join(w.stateDir, "runs"))
		for _, e := range ents {
			if strings.Contains(e.Name(), "-restore-") && strings.HasSuffix(e.Name(), ".json") {
				return false
			}
		}
		return true
	})
	return p
}

// newestSet is the id of the newest verified scheduled or manual set of server.
func (w *world) newestSet(server string) string {
	newest := ""
	for _, b := range w.backups() {
		if b.Server == server && b.Kind != "safety" && b.Verified && !b.Replica && b.ID > newest {
			newest = b.ID
		}
	}
	return newest
}

// applied waits until the agent applied a revision other than old and returns it.
func (w *world) applied(old string) string {
	w.t.Helper()
	var src state.Source
	w.waitFor("the edited manifests applied", 30*time.Second, func() bool {
		w.get("source", &src)
		return src.LastApplied != "" && src.LastApplied != old
	})
	return src.LastApplied
}

// TestE2ERestoreOnce: `backup: latest` without maxLag restores once; a bare reconcile and
// reconcile server/NAME (which back production up again) do not restore again; editing only
// maxLag does not either; a lost state dir does not (the target's record says what it
// holds), and a status.json holding null or {} is refused instead of read as empty.
func TestE2ERestoreOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	w.editManifests("  maxLag: 168h\n", "")
	// The set key lives outside the state dir, as the README recommends, so a lost state dir
	// does not take the trust in the sets along (that case is the key's, not this test's).
	keyFile := filepath.Join(w.dir, "set.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.args = []string{"--set-key-file", keyFile}
	w.start()
	var src state.Source
	w.get("source", &src)
	w.waitFor("the restore", 90*time.Second, func() bool { return w.restoreView("staging-refresh").RestoredSet != "" })
	first := w.restoreView("staging-refresh").RestoredSet
	rec, err := restorerecord.Read(w.hosts["aes-staging"])
	if err != nil || len(rec.Entries) != 2 || rec.Entries[0].Event != restorerecord.Begun || rec.Entries[1].Event != restorerecord.Completed || rec.Entries[1].Set != first {
		t.Fatalf("staging's restore record: %+v %v, want begun and completed for set %s", rec, err, first)
	}

	// Bare reconcile, then reconcile server/aes-staging: production is backed up again (a
	// newer latest set) and the checks run; the restore that holds latest-at-first-apply is
	// not re-run.
	w.agent.Request("")
	w.agent.Request("server/aes-staging")
	w.waitFor("a newer production set", 90*time.Second, func() bool { return w.newestSet("aes-prod") > first })
	p := w.settled("the agent idle after the requests")
	if _, ok := harness.Find(p.Actions, "restore/staging-refresh"); ok || w.restores() != 1 {
		t.Fatalf("after reconcile and reconcile server/aes-staging with a newer set: %d avbackup restores, plan %+v; want 1 and none planned", w.restores(), p)
	}

	// maxLag added (an edit that does not change what the target should hold): not a new
	// spec; it makes the restore standing, and the newer set waits for maxLag.
	w.editManifests("  safetyBackup: true", "  maxLag: 720h\n  safetyBackup: true")
	w.applied(src.LastApplied)
	p = w.settled("the agent idle after the maxLag edit")
	if it, ok := harness.Find(p.Waiting, "restore/staging-refresh"); !ok || !strings.Contains(it.Reason, "waits until") || w.restores() != 1 {
		t.Fatalf("after a maxLag-only edit: %d avbackup restores, restore plan %+v; want 1 and waiting for maxLag", w.restores(), p)
	}

	// The state dir lost: a new agent on an empty one reads what staging holds from its
	// record (set and time, so maxLag keeps counting from the restored set).
	w.stop()
	if err := os.Rename(w.stateDir, w.stateDir+".lost"); err != nil {
		t.Fatal(err)
	}
	w.start()
	p = w.settled("the new agent idle")
	if it, ok := harness.Find(p.Waiting, "restore/staging-refresh"); !ok || !strings.Contains(it.Reason, "waits until") || w.restores() != 1 {
		t.Fatalf("with a new state dir: %d avbackup restores, plan %+v; want 1 and waiting for maxLag", w.restores(), p)
	}

	// status.json holding null or {}: refused like a damaged file, nothing run.
	w.stop()
	status := filepath.Join(w.stateDir, "status.json")
	for _, content := range []string{"null", "{}", ""} {
		if err := os.WriteFile(status, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		a := harness.Launch(t, harness.Options{Source: filepath.Join(w.dir, "repo"), StateDir: w.stateDir})
		exit, exited := a.Exited(60 * time.Second)
		if !exited {
			t.Fatalf("the agent runs on a status.json holding %q:\n%s", content, a.Log())
		}
		if ee, ok := exit.(*exec.ExitError); !ok || ee.ExitCode() == 0 || !strings.Contains(a.Log(), "damaged") || !strings.Contains(a.Log(), status) {
			t.Errorf("status.json %q: exit %v, log:\n%s\nwant a non-zero exit naming %s as damaged", content, exit, harness.Tail(a.Log(), 10), status)
		}
	}
	if n := w.restores(); n != 1 {
		t.Errorf("%d avbackup restores in all, want 1", n)
	}
}

// TestE2ERestoreWindowAndRequests: a standing restore starts only inside its window; a bare
// reconcile and reconcile server/NAME never start it (before its first run, and once it
// holds the latest set); only reconcile restore/NAME does, outside the window too.
func TestE2ERestoreWindowAndRequests(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	// A window that opened 8 hours ago for one hour: closed now, in the target policy's zone.
	open := time.Now().In(zurich).Add(-8 * time.Hour).Format("15:04")
	w.editManifests("  maxLag: 168h\n", fmt.Sprintf("  maxLag: 1m\n  window: {start: %q, duration: 1h}\n", open))
	w.start()
	waitingFor := func(what, reason string) {
		w.t.Helper()
		w.waitFor(what, 90*time.Second, func() bool {
			it, ok := harness.Find(w.agent.Plan().Waiting, "restore/staging-refresh")
			return ok && strings.Contains(it.Reason, reason)
		})
	}
	waitingFor("the restore waiting for its window", "restore window")
	w.agent.Request("")
	w.agent.Request("server/aes-staging")
	before := w.newestSet("aes-prod")
	w.waitFor("production backed up again", 90*time.Second, func() bool { return w.newestSet("aes-prod") > before })
	p := w.settled("the agent idle after the requests")
	if it, ok := harness.Find(p.Waiting, "restore/staging-refresh"); !ok || !strings.Contains(it.Reason, "restore window") || w.restores() != 0 {
		t.Fatalf("outside the window after reconcile and reconcile server/aes-staging: %d avbackup restores, plan %+v; want none, waiting for the window", w.restores(), p)
	}

	w.agent.Request("restore/staging-refresh")
	w.waitFor("the requested restore", 90*time.Second, func() bool { return w.restoreView("staging-refresh").RestoredSet != "" })
	held := w.restoreView("staging-refresh").RestoredSet
	if w.restores() != 1 {
		t.Fatalf("%d avbackup restores after reconcile restore/staging-refresh, want 1", w.restores())
	}
	// It holds the latest set; bare reconcile and reconcile server/NAME again.
	w.agent.Request("")
	w.agent.Request("server/aes-staging")
	w.waitFor("production backed up again", 90*time.Second, func() bool { return w.newestSet("aes-prod") > held })
	p = w.settled("the agent idle after the second requests")
	if _, ok := harness.Find(p.Actions, "restore/staging-refresh"); ok || w.restores() != 1 {
		t.Fatalf("a standing restore holding the latest set: %d avbackup restores after reconcile, plan %+v; want 1", w.restores(), p)
	}
}

// TestE2ETwoAgentsOneTarget: a second agent with the same --agent name and another state
// dir runs on the same hosts at the same time; the target is restored once (the server
// lease serializes their runbooks, the target's record tells the second agent it is done),
// and the lease refusal names the holder. (Two agents on one state dir: TestE2EOneAgentPerStateDir.)
func TestE2ETwoAgentsOneTarget(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	w.start()
	second := harness.Start(t, harness.Options{Source: filepath.Join(w.dir, "repo"), StateDir: filepath.Join(w.dir, "state2")})
	w.waitFor("a restore", 120*time.Second, func() bool {
		rec, err := restorerecord.Read(w.hosts["aes-staging"])
		return err == nil && len(rec.Entries) > 0 && rec.Entries[len(rec.Entries)-1].Event == restorerecord.Completed
	})
	// Both agents' own plans, taken on their own state: neither plans the restore again.
	for i, a := range []*harness.Agent{w.agent, second} {
		a.WaitFor(fmt.Sprintf("agent %d leaves the restore alone", i+1), 90*time.Second, func() bool {
			p := a.Plan()
			_, due := harness.Find(p.Actions, "restore/staging-refresh")
			_, held := harness.Find(p.Blocked, "restore/staging-refresh")
			return !due && !held
		})
	}
	if n := w.restores(); n != 1 {
		t.Errorf("two agents restored staging %d times, want once", n)
	}
	logs := w.agent.Log() + second.Log()
	if !strings.Contains(logs, "server is leased by another agent") || !strings.Contains(logs, "demo") || !strings.Contains(logs, "(state dir ") {
		t.Errorf("no lease refusal naming the holder in the agents' logs:\n%s", grep(logs, "lease"))
	}
}

// TestE2ERecoveryObligations: an agent killed during imp leaves a journal in which someone
// planted an IIS start argv, and a garbage file beside it in runs/; at restart Oracle is not
// up (REVOKE DBA fails with ORA-12541). IIS is started with the manifest's command (the
// planted one never runs), the garbage is set aside and the run still recovered, the revoke
// stays owed (condition, metric) and is done at the next attempt; the restore, stalled after it
// began overwriting, is not re-run, not even by a bare reconcile or reconcile server/NAME.
func TestE2ERecoveryObligations(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	release := filepath.Join(w.dir, "release")
	w.fault("aes-staging", "imp:\n  hangUntil: "+release+"\n")
	w.start()
	w.waitFor("imp to start", 90*time.Second, func() bool { return w.toolStarts("aes-staging", "imp") > 0 })
	w.kill()
	os.WriteFile(release, nil, 0o644)
	w.fault("aes-staging", "sqlplus:\n  match: REVOKE DBA\n  exit: 1\n")

	runs := filepath.Join(w.stateDir, "runs")
	planted := filepath.Join(w.dir, "planted-ran")
	ents, _ := os.ReadDir(runs)
	n := 0
	for _, e := range ents {
		p := filepath.Join(runs, e.Name())
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(e.Name(), "restore") {
			continue
		}
		var r state.Run
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		r.Recovery["start-iis"] = []string{"/bin/sh", "-c", "touch " + planted}
		b, _ = json.Marshal(r)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d restore journals in %s, want the dead run's", n, runs)
	}
	garbage := filepath.Join(runs, "00000000T000000-garbage.json")
	if err := os.WriteFile(garbage, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}

	w.start()
	var st state.Status
	w.waitFor("the revoke owed", 60*time.Second, func() bool {
		st = readState(t, w.stateDir)
		return len(st.Obligations) == 1 && st.Obligations[0].Attempts > 0
	})
	if o := st.Obligations[0]; o.Kind != "revoke-dba" || !strings.Contains(o.LastError, "ORA-12541") {
		t.Errorf("obligation %+v, want revoke-dba failing with ORA-12541", o)
	}
	if !w.hasDBA("aes-staging") {
		t.Error("the revoke failed, yet AESUSER313 lost DBA: the fault did not act")
	}
	if v := w.simVerify("aes-staging"); !v.IISRunning {
		t.Error("IIS not started by recovery")
	}
	if _, err := os.Stat(planted); err == nil {
		t.Error("recovery ran the IIS start argv planted in the journal")
	}
	if _, err := os.Stat(garbage + state.DamagedSuffix); err != nil {
		t.Errorf("the garbage journal was not set aside: %v", err)
	}
	if m := w.metrics(); metricValue(m, `vaultkeeper_recovery_obligations_pending{kind="revoke-dba",server="aes-staging"}`) != "1" {
		t.Errorf("pending obligation not exported:\n%s", grep(m, "obligations"))
	}
	if c := condStatus(w.restoreView("staging-refresh").Conditions, "Recovered"); c != "False" {
		t.Errorf("Recovered condition %q, want False while the revoke is owed", c)
	}

	// Oracle is up again; the next attempt (here: the restart's recovery) revokes.
	w.fault("aes-staging", "")
	w.stop()
	w.start()
	w.waitFor("the obligation met", 60*time.Second, func() bool { return len(readState(t, w.stateDir).Obligations) == 0 })
	if w.hasDBA("aes-staging") {
		t.Error("AESUSER313 still holds DBA after the obligation was met")
	}
	// The interrupted restore is held by staging's record: a bare reconcile and reconcile
	// server/aes-staging (which back both servers up again) leave it alone.
	w.agent.Request("")
	w.agent.Request("server/aes-staging")
	p := w.settled("the agent idle after the requests")
	if it, ok := harness.Find(p.Blocked, "restore/staging-refresh"); !ok || !strings.Contains(it.Reason, "never completed") {
		t.Errorf("the interrupted restore is not held by the record: %+v", p)
	}
	if n := w.restores(); n != 1 {
		t.Errorf("%d avbackup restores, want the one that was interrupted", n)
	}
}
