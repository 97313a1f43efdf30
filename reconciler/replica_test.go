package reconciler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify/notifytest"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// TestReplicaNeverStorms (issue 16): a replica (spec.copies) that cannot be written made the
// loop retry the copy at once, again and again (500 times a second). Now the set is
// published, the backup succeeds, the other policy runs, and the replica is retried only
// after its own capped backoff; once it can be written again it catches up.
func TestReplicaNeverStorms(t *testing.T) {
	t.Parallel()
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 5, 2, 35, 0, 0, zurich) // inside dev-daily's window, after its 02:30
	m := strings.Replace(simManifests, "  destination: '@ROOT@/backups'\n  retention: {keepHourly", "  destination: '@ROOT@/backups'\n  copies: ['@ROOT@/nas']\n  retention: {keepHourly", 1)
	rcv := notifytest.NewReceiver(t, "")
	m += `
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: ops}
spec:
  type: webhook
  url: ` + rcv.URL + `
  events: [backupFailed, replicaFailed]
`
	s := newSim(t, m, t0)
	nas := filepath.Join(s.root, "nas")
	// The replica cannot be written: a file stands where its folder should be.
	if err := os.RemoveAll(nas); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(nas, []byte("not a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.step(t0) // fails the test with "a burst" when the loop keeps working at one instant

	st := s.store.Snapshot()
	prod := st.Policies["prod-hourly"]
	if prod == nil || prod.LastResult != "success" || prod.LastSet == "" {
		t.Fatalf("prod-hourly: %+v, want a published set and a successful backup despite the replica", prod)
	}
	if m, err := catalog.ReadMeta(catalog.SetDir(filepath.Join(s.root, "backups"), "aes-prod", prod.LastSet)); err != nil || !m.Verified() {
		t.Errorf("the primary set: %v, want it published and verified", err)
	}
	if dev := st.Policies["dev-daily"]; dev == nil || dev.LastResult != "success" {
		t.Errorf("dev-daily: %+v, want the other policy backed up", dev)
	}
	r := prod.Replicas[nas]
	if r == nil || r.Failures != 1 || r.LastError == "" || !r.RetryAt.After(t0) {
		t.Fatalf("replica state %+v, want one failure with its error and a retry time after %s", r, t0)
	}
	if got := gaugeValue(t, s.a, "vaultkeeper_replica_failing", map[string]string{"policy": "prod-hourly", "destination": nas}); got != 1 {
		t.Errorf("vaultkeeper_replica_failing = %v, want 1", got)
	}

	// Before its retry time nothing tries the replica again; at it, one attempt, and the
	// backoff doubles.
	first := r.RetryAt
	s.step(first.Add(-time.Second))
	if got := s.store.Snapshot().Policies["prod-hourly"].Replicas[nas]; got.Failures != 1 {
		t.Fatalf("before its retry time the replica was tried again: %+v", got)
	}
	s.step(first)
	r = s.store.Snapshot().Policies["prod-hourly"].Replicas[nas]
	if r.Failures != 2 || r.RetryAt.Sub(first) <= first.Sub(t0) {
		t.Fatalf("after the second failure: %+v, want 2 failures and a longer backoff than %s", r, first.Sub(t0))
	}

	// Two failed attempts, one failing episode: one replicaFailed message, no backupFailed.
	s.a.notifier.Close(notify.DefaultDrain)
	var events []string
	for _, req := range rcv.Requests() {
		events = append(events, req.Payload["event"]+" "+req.Payload["policy"])
		if req.Payload["event"] == "replicaFailed" && !strings.Contains(req.Payload["message"], nas) {
			t.Errorf("replicaFailed message %q does not name the replica %s", req.Payload["message"], nas)
		}
	}
	if strings.Join(events, ",") != "replicaFailed prod-hourly" {
		t.Errorf("notifications %v, want one replicaFailed for prod-hourly (once per failing episode, and no backupFailed)", events)
	}

	// The replica is writable again: at its retry time the missing set is copied and verified.
	os.Remove(nas)
	os.Mkdir(nas, 0o750)
	s.step(r.RetryAt)
	r = s.store.Snapshot().Policies["prod-hourly"].Replicas[nas]
	if r.Failing() || r.LastSuccess.IsZero() {
		t.Fatalf("replica after repair: %+v, want ok", r)
	}
	if m, err := catalog.ReadMeta(catalog.SetDir(nas, "aes-prod", prod.LastSet)); err != nil || !m.Verified() {
		t.Errorf("the set in the repaired replica: %v", err)
	}
	if got := gaugeValue(t, s.a, "vaultkeeper_replica_failing", map[string]string{"policy": "prod-hourly", "destination": nas}); got != 0 {
		t.Errorf("vaultkeeper_replica_failing = %v after repair, want 0", got)
	}
}

// gaugeValue is the value of the gauge name whose labels include want (-1: no such series).
func gaugeValue(t *testing.T, a *Agent, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := a.Metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if got[k] != v {
					continue series
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
