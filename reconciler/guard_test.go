package reconciler

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/dirlock"
	"github.com/vaultkeeper/vaultkeeper/state/lease"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

// crashedRestore journals a restore of staging-refresh that died in step (the steps of
// restore.Steps before it finished), as a killed agent leaves it.
func crashedRestore(t *testing.T, s *sim, step string) {
	t.Helper()
	j, err := s.store.BeginRun("restore", "restore/staging-refresh", "aes-staging", s.a.desired.Restore("staging-refresh").SpecHash())
	if err != nil {
		t.Fatal(err)
	}
	j.SetRecovery(string(runbook.RevokeDBA), []string{"AESUSER313"})
	for _, d := range []string{"verify-set", "safety-backup", "preflight", "stop-iis", "record-begin", "avbackup-restore", "drop-user", "create-user", "grant-dba"} {
		if d == step {
			break
		}
		j.StepStarted(d)
		j.StepFinished(d, nil)
	}
	j.StepStarted(step)
}

func (s *sim) ops(server, op string) int {
	n := 0
	for _, e := range s.hosts.Host(server).Events() {
		if e.Op == op && e.Err == nil {
			n++
		}
	}
	return n
}

// TestObligationsPersistUntilMet (issue 14 point 7): a REVOKE DBA that fails at recovery
// (Oracle not up yet after a reboot: ORA-12541) stays owed in state, with a condition and
// a metric, across a restart, and is retried after backoff until it succeeds; IIS is started
// meanwhile.
func TestObligationsPersistUntilMet(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	s := newSim(t, planRunManifests, t0Crash)
	crashedRestore(t, s, "import")
	staging := s.hosts.Host("aes-staging")
	staging.FailRevoke = 3

	if err := s.restart(); err == nil || !strings.Contains(err.Error(), "ORA-12541") { // recovery: the revoke fails
		t.Fatalf("recover = %v, want the failed revoke", err)
	}
	if n := s.ops("aes-staging", "start-iis"); n != 1 {
		t.Errorf("IIS started %d times by recovery, want once while the revoke is still owed", n)
	}
	ob := s.store.Snapshot().Obligations
	if len(ob) != 1 || ob[0].Kind != "revoke-dba" || ob[0].User != "AESUSER313" || ob[0].Attempts != 1 || !strings.Contains(ob[0].LastError, "ORA-12541") {
		t.Fatalf("obligations after a failed revoke: %+v", ob)
	}
	cond, _ := s.store.Snapshot().Objects[manifests.KindRestore+"/staging-refresh"].Condition("Recovered")
	if cond.Status != "False" || !strings.Contains(cond.Message, "revoke-dba on aes-staging") {
		t.Errorf("Recovered condition %+v: want it to say the revoke is owed", cond)
	}
	if m := metricsText(t, s.a); !strings.Contains(m, `vaultkeeper_recovery_obligations_pending{kind="revoke-dba",server="aes-staging"} 1`) {
		t.Errorf("pending obligation not in the metrics:\n%s", grepLines(m, "obligations"))
	}

	// Not before its retry time; the restart keeps it (it lives in state, not in memory).
	s.step(t0Crash.Add(10 * time.Second))
	if got := len(s.store.Snapshot().Obligations); got != 1 || staging.FailRevoke != 2 {
		t.Fatalf("retried before its backoff: %d obligations, %d failures left", got, staging.FailRevoke)
	}
	if err := s.restart(); err == nil { // a restart retries at once (recovery), and fails again
		t.Fatal("the second failure was not reported")
	}
	if ob := s.store.Snapshot().Obligations; len(ob) != 1 || ob[0].Attempts != 2 {
		t.Fatalf("after a restart: %+v", ob)
	}
	// Retried by the loop after capped backoff until it succeeds.
	at := t0Crash
	for i := 0; i < 4 && len(s.store.Snapshot().Obligations) > 0; i++ {
		at = at.Add(11 * time.Minute)
		s.step(at)
	}
	if ob := s.store.Snapshot().Obligations; len(ob) != 0 {
		t.Fatalf("obligation still pending after backoff: %+v", ob)
	}
	if n := s.ops("aes-staging", "revoke-dba"); n != 1 {
		t.Errorf("%d successful REVOKE DBA, want 1", n)
	}
	// REVOKE DBA took UNLIMITED TABLESPACE along: recovery gave back a quota on every
	// tablespace the schema's segments use (the fake's: USERS), after the revoke.
	quotas := strings.Join(staging.Quotas(), ",")
	if quotas != "AESUSER313 USERS" {
		t.Errorf("quota grants after recovery's revoke: %q, want AESUSER313 USERS once", quotas)
	}
	cond, _ = s.store.Snapshot().Objects[manifests.KindRestore+"/staging-refresh"].Condition("Recovered")
	if cond.Status != "True" {
		t.Errorf("Recovered condition %+v after the revoke succeeded", cond)
	}
	// The restore stays held: nothing re-ran it.
	if n := s.ops("aes-staging", "avbackup-restore"); n != 0 {
		t.Errorf("the interrupted restore ran again (%d avbackup restores)", n)
	}
}

// TestDamagedJournalSetAside (issue 14 point 7): one unparsable file in runs/ is renamed and
// reported; the other runs are still recovered.
func TestDamagedJournalSetAside(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	s := newSim(t, planRunManifests, t0Crash)
	crashedRestore(t, s, "import")
	bad := filepath.Join(s.store.Dir(), "runs", "0000-garbage.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.a = New(Options{Agent: "sim", Source: s.src, Store: s.store, Log: s.a.log, Now: s.clock.Now, Hosts: s.hosts, Version: "sim"})
	s.a.loadLastGood()
	err := s.a.recover(s.ctx)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "set aside") {
		t.Errorf("recover = %v, want it to report %s set aside", err, bad)
	}
	if _, err := os.Stat(bad + state.DamagedSuffix); err != nil {
		t.Errorf("damaged journal not set aside: %v", err)
	}
	if n := s.ops("aes-staging", "revoke-dba"); n != 1 {
		t.Errorf("the readable run was not recovered: %d REVOKE DBA", n)
	}
	if n := s.ops("aes-staging", "start-iis"); n != 1 {
		t.Errorf("IIS started %d times, want 1", n)
	}
}

// TestServerLease (issue 14 point 2): a second agent with another state dir is refused on a
// server whose lease a live agent holds, naming it, and runs nothing there; an agent takes
// over its own lease left by a crash at start-up recovery.
func TestServerLease(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	s := newSim(t, planRunManifests, t0Crash)
	prod := s.a.desired.Server("aes-prod").Spec.InstallDir
	other := lease.Owner{Agent: "sim", StateID: "0123456789abcdef0123456789abcdef", Host: "otherhost", PID: 4242}
	held, err := lease.Acquire(prod, other, "backup policy/prod-nightly", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.step(t0Crash)
	if n := len(s.hosts.Host("aes-prod").Events()); n != 0 {
		t.Errorf("aes-prod was asked %d things while another agent holds its lease", n)
	}
	cond, _ := s.store.Snapshot().Objects[manifests.KindBackupPolicy+"/prod-nightly"].Condition(state.Ready)
	for _, want := range []string{"ServerLeased", `agent "sim"`, other.StateID, "otherhost", "pid 4242"} {
		if !strings.Contains(cond.Reason+" "+cond.Message, want) {
			t.Errorf("Ready condition %+v does not say %s", cond, want)
		}
	}
	if s.ops("aes-staging", "stop-iis") == 0 {
		t.Error("the other server, whose lease is free, did not run its backup")
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}

	// Own stale lease: the agent died holding it (same agent, same state dir) in a restore
	// that had stopped IIS. Recovery takes it over at once and starts IIS.
	id, err := dirlock.InstanceID(s.store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	staging := s.a.desired.Server("aes-staging").Spec.InstallDir
	if _, err := lease.Acquire(staging, lease.Owner{Agent: "sim", StateID: id, PID: 999999}, "restore restore/staging-refresh", time.Hour, time.Now()); err != nil {
		t.Fatal(err)
	}
	crashedRestore(t, s, "import")
	before := s.ops("aes-staging", "start-iis")
	s.start()
	if n := s.ops("aes-staging", "start-iis") - before; n != 1 {
		t.Errorf("recovery started IIS %d times under its own stale lease, want 1", n)
	}
	if ob := s.store.Snapshot().Obligations; len(ob) != 0 {
		t.Errorf("obligations left: %+v", ob)
	}
	if l, err := lease.Read(staging); err != nil || l != nil {
		t.Errorf("lease after recovery: %+v %v, want it released", l, err)
	}
}

// metricsText is what /metrics serves for a.
func metricsText(t *testing.T, a *Agent) string {
	t.Helper()
	rec := httptest.NewRecorder()
	a.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRecordDecidesWithANewStateDir (issue 14 point 1): the target's record decides. A
// fixed-set Restore applied to the target is done for an agent whose state dir never knew it
// (its status adopts the record's set); a record left incomplete by a crash holds it with a
// condition saying why and how to confirm, and only reconcile restore/NAME runs it.
func TestRecordDecidesWithANewStateDir(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich)
	withTarget := strings.Replace(simManifests, "  agent: sim\n  installDir: '@ROOT@/hosts/aes-dev'",
		"  agent: sim\n  allowRestore: true\n  installDir: '@ROOT@/hosts/aes-dev'", 1)
	s := newSim(t, withTarget, t0)
	s.step(t0)
	set := s.store.Snapshot().Policies["prod-hourly"].LastSet
	text := strings.ReplaceAll(withTarget+`---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: dev-refresh}
spec:
  server: aes-dev
  confirm: aes-dev
  source: {policy: prod-hourly, backup: "`+set+`"}
  safetyBackup: false
`, "@ROOT@", s.root)
	if err := os.WriteFile(filepath.Join(s.root, "repo", "altium.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// Another agent (or this one with a state dir since lost) restored it: the target's
	// record holds the completed restore of this very spec.
	dev := filepath.Join(s.root, "hosts", "aes-dev")
	if err := os.MkdirAll(dev, 0o755); err != nil {
		t.Fatal(err)
	}
	s.start()
	hash := s.a.desired.Restore("dev-refresh").TargetHash()
	b, err := restorerecord.Begin(dev, restorerecord.Entry{Run: "r1", Restore: "dev-refresh", SpecHash: hash, Set: set, Agent: "sim"})
	if err != nil {
		t.Fatal(err)
	}
	if err := restorerecord.Complete(dev, b, time.Time{}); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(time.Hour))
	if n := s.ops("aes-dev", "avbackup-restore"); n != 0 {
		t.Fatalf("a Restore the target's record holds ran again with an empty state dir (%d restores)", n)
	}
	if rt := s.store.Snapshot().Restores["dev-refresh"]; rt == nil || rt.RestoredSet != set || rt.AppliedHash != hash {
		t.Errorf("the state dir's status %+v, want restored set %s adopted from the record", rt, set)
	}

	// The record left incomplete (a restore that began and never completed).
	if _, err := restorerecord.Begin(dev, restorerecord.Entry{Run: "crashed", Restore: "dev-refresh", SpecHash: "h", Set: set, Agent: "other"}); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(2 * time.Hour))
	cond, _ := s.store.Snapshot().Objects[manifests.KindRestore+"/dev-refresh"].Condition(state.Stalled)
	if cond.Status != "True" || cond.Reason != "RestoreHeld" || !strings.Contains(cond.Message, "never completed") || !strings.Contains(cond.Message, "vaultkeeper reconcile restore/dev-refresh") {
		t.Errorf("Stalled condition %+v: want it held, saying why and how to confirm", cond)
	}
	for _, object := range []string{"", "server/aes-dev"} {
		if err := s.a.Request(object); err != nil {
			t.Fatal(err)
		}
		s.step(t0.Add(2 * time.Hour))
	}
	if n := s.ops("aes-dev", "avbackup-restore"); n != 0 {
		t.Fatalf("a held restore ran by itself (%d restores)", n)
	}
	if err := s.a.Request("restore/dev-refresh"); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(2 * time.Hour))
	if n := s.ops("aes-dev", "avbackup-restore"); n != 1 {
		t.Fatalf("reconcile restore/dev-refresh: %d restores in all, want 1: %v", n, s.problems())
	}
}
