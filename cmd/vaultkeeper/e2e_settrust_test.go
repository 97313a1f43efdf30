package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// Issue 14 point 4, 5 and 8 end to end: whoever can write the NAS cannot choose what is
// imported.

// markDropUser makes altium-sim note every sqlplus call that drops a user on host in its
// event log (a harmless 1 ms fault matched on DROP USER: its start record names the fault).
func (w *world) markDropUser(host string) {
	w.fault(host, "sqlplus:\n  match: DROP USER\n  slow: 1ms\n")
}

// dropUsers counts the sqlplus calls on host that dropped a user (see markDropUser).
func (w *world) dropUsers(host string) int {
	n := 0
	for _, e := range w.events(host) {
		if e.Phase == "start" && e.Tool == "sqlplus" && strings.Contains(e.Faults, "slow") {
			n++
		}
	}
	return n
}

// restoredZips lists the argv of every `avbackup restore` on host, in order.
func (w *world) restoredZips(host string) []string {
	var out []string
	for _, e := range w.events(host) {
		if e.Phase == "start" && e.Tool == "avbackup" && len(e.Argv) > 0 && e.Argv[0] == "restore" {
			out = append(out, strings.Join(e.Argv, " "))
		}
	}
	return out
}

// agentKeys is the set key the world's agent generated in its state dir.
func (w *world) agentKeys() *setsig.Keyring {
	w.t.Helper()
	k, err := setsig.Load(filepath.Join(w.stateDir, setsig.StateKeyFile))
	if err != nil {
		w.t.Fatal(err)
	}
	return k
}

// plantSet copies the published set from into its destination under id, its record
// rewritten for that id and changed by edit: what someone who can write the NAS can do.
func plantSet(t *testing.T, from, id string, edit func(m *catalog.Meta)) string {
	t.Helper()
	m, err := catalog.ReadMeta(from)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(filepath.Dir(from), id)
	if err := catalog.CopySet(context.Background(), from, dst); err != nil {
		t.Fatal(err)
	}
	at, err := catalog.ParseSetID(id)
	if err != nil {
		t.Fatal(err)
	}
	d := at.Sub(m.Started)
	m.ID, m.Started, m.Finished = id, at, m.Finished.Add(d)
	for i := range m.Verifications {
		m.Verifications[i].Time = m.Verifications[i].Time.Add(d)
	}
	edit(m)
	if err := catalog.WriteMeta(dst, m); err != nil {
		t.Fatal(err)
	}
	return dst
}

// firstRestore starts the world's agent and waits for staging-refresh's first restore;
// it returns the restored set's folder.
func (w *world) firstRestore() string {
	w.t.Helper()
	w.start()
	var r reconciler.RestoreView
	w.waitFor("the first restore", 90*time.Second, func() bool {
		r = w.restoreView("staging-refresh")
		return r.RestoredSet != ""
	})
	return filepath.Join(w.dir, "backups", "aes-prod", r.RestoredSet)
}

// restoreRuns counts the finished runs of staging-refresh in the agent's history.
func (w *world) restoreRuns() int {
	n := 0
	for _, h := range readState(w.t, w.stateDir).History {
		if h.Kind == "restore" && h.Result != "" {
			n++
		}
	}
	return n
}

// TestE2EFutureSet: a set folder dated years ahead, with a record signed by the agent's own
// key, copied into the destination is not the last success (API and metric), not the set
// `latest` restores, and is counted in vaultkeeper_backup_future_sets and named in the
// policy's condition.
func TestE2EFutureSet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	real := w.firstRestore()
	realID := filepath.Base(real)
	w.stop()
	keys := w.agentKeys()
	future := plantSet(t, real, "20391122T020000Z", func(m *catalog.Meta) {
		if err := m.Sign(keys); err != nil {
			t.Fatal(err)
		}
	})
	w.markDropUser("aes-staging")
	w.start()
	realTime, _ := catalog.ParseSetID(realID)
	p := w.policy("aes-prod-nightly")
	if !p.LastSuccess.Equal(realTime) {
		t.Errorf("last success %s, want the real set's %s", p.LastSuccess, realTime)
	}
	// The condition is written once the agent scanned the destination, which may come a
	// moment after it reports ready.
	cond := ""
	w.waitFor("the FutureSets condition", 30*time.Second, func() bool {
		for _, c := range w.policy("aes-prod-nightly").Conditions {
			if c.Type == "FutureSets" && c.Status == "True" {
				cond = c.Message
			}
		}
		return cond != ""
	})
	if !strings.Contains(cond, "20391122T020000Z") {
		t.Errorf("FutureSets condition %q does not name the set", cond)
	}
	m := w.metrics()
	if v := metricValue(m, `vaultkeeper_backup_future_sets{policy="aes-prod-nightly",server="aes-prod"}`); v != "1" {
		t.Errorf("vaultkeeper_backup_future_sets = %q, want 1:\n%s", v, grep(m, "future_sets"))
	}
	if v := metricValue(m, `vaultkeeper_backup_last_success_timestamp_seconds{policy="aes-prod-nightly",server="aes-prod"}`); strings.HasPrefix(v, "2.2") {
		t.Errorf("last success metric %s is the future set's", v)
	}
	out, _ := w.cli("get", "backups", "--addr", w.addr, "--state-dir", w.stateDir)
	if !strings.Contains(grep(out, "20391122T020000Z"), "trusted (future: ignored)") || !strings.Contains(grep(out, realID), "trusted") {
		t.Errorf("get backups does not show the future set as ignored:\n%s", out)
	}
	before := len(w.restoredZips("aes-staging"))
	w.request("restore/staging-refresh")
	w.waitFor("the restore asked for", 90*time.Second, func() bool { return w.restoreRuns() >= 2 })
	zips := w.restoredZips("aes-staging")
	if len(zips) != before+1 || !strings.Contains(zips[len(zips)-1], realID) {
		t.Errorf("avbackup restore calls %q: want one more, from %s", zips[before:], realID)
	}
	if r := w.restoreView("staging-refresh"); r.RestoredSet != realID {
		t.Errorf("latest restored %q, want %s", r.RestoredSet, realID)
	}
	if _, err := os.Stat(future); err != nil {
		t.Errorf("the future set is gone: %v", err)
	}
}

// TestE2EUntrustedSetNotRestored: a newer set whose record was edited after signing (the
// schema swapped) and an unsigned one are passed over by latest, which restores the
// agent's own signed set; a Restore naming the forged set by id is blocked, and altium-sim
// sees no `avbackup restore` and no DROP USER for it.
func TestE2EUntrustedSetNotRestored(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	real := w.firstRestore()
	realID := filepath.Base(real)
	w.stop()
	at, _ := catalog.ParseSetID(realID)
	forgedID, unsignedID := catalog.SetID(at.Add(time.Minute)), catalog.SetID(at.Add(2*time.Minute))
	plantSet(t, real, forgedID, func(m *catalog.Meta) { m.Oracle.Schema = "SYSTEM" }) // keeps the old signature
	plantSet(t, real, unsignedID, func(m *catalog.Meta) { m.Signature = nil })
	w.markDropUser("aes-staging")
	w.start()
	before := len(w.restoredZips("aes-staging"))
	w.request("restore/staging-refresh")
	w.waitFor("the restore asked for", 90*time.Second, func() bool { return w.restoreRuns() >= 2 })
	zips := w.restoredZips("aes-staging")
	if len(zips) != before+1 || !strings.Contains(zips[len(zips)-1], realID) {
		t.Errorf("avbackup restore calls %q: want one more, from %s", zips[before:], realID)
	}
	r := w.restoreView("staging-refresh")
	msg := ""
	for _, c := range r.Conditions {
		if c.Type == "UntrustedSets" && c.Status == "True" {
			msg = c.Message
		}
	}
	for _, want := range []string{forgedID + ": key", "signature does not match", unsignedID + " carries no signature"} {
		if !strings.Contains(msg, want) {
			t.Errorf("UntrustedSets condition %q does not say %q", msg, want)
		}
	}
	for _, b := range w.backups() {
		if want := map[string]string{forgedID: "forged", unsignedID: "unsigned", realID: "trusted"}[b.ID]; want != "" && b.Signature != want {
			t.Errorf("backup %s in %s: signature %q, want %q", b.ID, b.Destination, b.Signature, want)
		}
	}

	// Named by id, the forged set is never restored, not even when asked for.
	drops, restores := w.dropUsers("aes-staging"), len(w.restoredZips("aes-staging"))
	w.editManifests("source: {policy: aes-prod-nightly, backup: latest}", "source: {policy: aes-prod-nightly, backup: \""+forgedID+"\"}",
		"  maxLag: 168h\n", "")
	item := w.leftAlone("restore/staging-refresh")
	if !strings.Contains(item.Reason, "may not be restored") || !strings.Contains(item.Reason, "signature does not match") {
		t.Errorf("restore blocked for %q, want the forged record named", item.Reason)
	}
	w.request("restore/staging-refresh")
	w.leftAlone("restore/staging-refresh")
	if d, n := w.dropUsers("aes-staging"), len(w.restoredZips("aes-staging")); d != drops || n != restores {
		t.Errorf("after naming the forged set: DROP USER %d→%d, avbackup restore %d→%d; want no more", drops, d, restores, n)
	}

	// `vaultkeeper plan` judges the sets with the key of --state-dir, and without one says so.
	w.stop()
	repo := filepath.Join(w.dir, "repo")
	out, code := w.cli("plan", repo, "--state-dir", w.stateDir)
	if code != 0 || !strings.Contains(out, "blocked restore/staging-refresh on aes-staging: set "+forgedID) || !strings.Contains(out, "signature does not match") {
		t.Errorf("plan with the agent's state dir (exit %d):\n%s", code, out)
	}
	out, code = w.cli("plan", repo, "--state-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "note: no set key") || !strings.Contains(out, "no set key was given to check it") {
		t.Errorf("plan without a set key (exit %d):\n%s", code, out)
	}
}

// TestE2ESafetySets: each restore leaves a safety set of the target; the target's policy
// keeps the newest keepSafety of them; a rollback Restore (manifests.RollbackRestore's
// shape) naming the kept one restores it.
func TestE2ESafetySets(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	w.editManifests("retention: {keepLast: 3, keepDaily: 14, keepWeekly: 8, minVerified: 1}",
		"retention: {keepLast: 3, keepDaily: 14, keepWeekly: 8, minVerified: 1, keepSafety: 1}")
	w.firstRestore()
	safety := func() []string {
		var ids []string
		for _, b := range w.backups() {
			if b.Kind == catalog.KindSafety && b.Server == "aes-staging" && !b.Replica {
				ids = append(ids, b.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	w.request("restore/staging-refresh")
	w.waitFor("the second restore", 90*time.Second, func() bool { return w.restoreRuns() >= 2 })
	if got := safety(); len(got) != 2 {
		t.Fatalf("safety sets %v after two restores, want 2", got)
	}
	newest := safety()[1]
	w.request("policy/aes-staging-nightly") // a backup, then retention
	w.waitFor("safety sets pruned to keepSafety 1", 90*time.Second, func() bool {
		got := safety()
		return len(got) == 1 && got[0] == newest
	})
	if _, err := os.Stat(filepath.Join(w.dir, "backups", "aes-staging", newest)); err != nil {
		t.Fatal(err)
	}

	w.markDropUser("aes-staging")
	w.stop()
	i := strings.Index(readFile(filepath.Join(w.dir, "repo", "altium.yaml")), "---\napiVersion: vaultkeeper.io/v1alpha1\nkind: Restore")
	text := readFile(filepath.Join(w.dir, "repo", "altium.yaml"))[:i] + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh-rollback}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: aes-staging-nightly, backup: "` + newest + `", safety: true}
  safetyBackup: false
`
	if err := os.WriteFile(filepath.Join(w.dir, "repo", "altium.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	before := len(w.restoredZips("aes-staging"))
	w.start()
	var r reconciler.RestoreView
	w.waitFor("the rollback", 90*time.Second, func() bool {
		r = w.restoreView("staging-refresh-rollback")
		return r.RestoredSet != "" || r.LastResult == "failure"
	})
	if r.RestoredSet != newest {
		t.Fatalf("rollback %+v, want safety set %s restored", r, newest)
	}
	zips := w.restoredZips("aes-staging")
	if len(zips) != before+1 || !strings.Contains(zips[len(zips)-1], filepath.Join("aes-staging", newest)) {
		t.Errorf("avbackup restore calls %q: want one more, from the safety set %s", zips[before:], newest)
	}
	if w.dropUsers("aes-staging") != 1 {
		t.Errorf("DROP USER %d times for the rollback, want once", w.dropUsers("aes-staging"))
	}
	if v := w.simVerify("aes-staging"); !v.Consistent || !v.IISRunning {
		t.Errorf("staging after the rollback: %+v", v)
	}
}
