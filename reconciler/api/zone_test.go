package api

import (
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestGetTimesInThePolicyZone (issue 16 point 4): `get` shows every time of a server in one
// zone, its policy's, with the offset: the policy's own times, and also its restores' and
// its checks' (which have no zone of their own).
func TestGetTimesInThePolicyZone(t *testing.T) {
	srv := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "s1"}}
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Server, pol.Spec.TimeZone, pol.Spec.MaxAge, pol.Spec.Destination = "s1", "Europe/Zurich", "26h", "/nowhere"
	rs := &manifests.Restore{Metadata: manifests.ObjectMeta{Name: "r"}}
	rs.Spec.Server, rs.Spec.Source.Policy, rs.Spec.Source.Backup = "s1", "p", "latest"
	desired := &manifests.Set{Servers: []*manifests.Server{srv}, Policies: []*manifests.BackupPolicy{pol}, Restores: []*manifests.Restore{rs}}
	t0 := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	st := state.Status{
		Policies: map[string]*state.Policy{"p": {LastSuccess: t0, LastResult: "success"}},
		Restores: map[string]*state.Restore{"r": {LastSuccess: t0, RestoredSet: "20261121T010000Z"}},
		Checks:   map[string]*state.Check{"s1/tnsnames-alias": {Server: "s1", Check: "tnsnames-alias", OK: true, Time: t0}},
	}
	r := reconciler.Reading{Now: t0.Add(time.Hour), Desired: desired, Status: st, Model: view.Build(desired, desired, nil, view.Trust{Now: t0.Add(time.Hour)})}
	get := func(kind string) any {
		v, ok := Render(r, kind)
		if !ok {
			t.Fatalf("no view %s", kind)
		}
		return v
	}
	for _, c := range []struct {
		what string
		at   time.Time
	}{
		{"policy last success", get("policies").([]reconciler.PolicyView)[0].LastSuccess},
		{"restore last success", get("restores").([]view.RestoreView)[0].LastSuccess},
		{"check time", get("checks").([]state.Check)[0].Time},
	} {
		if got := c.at.Format(time.RFC3339); got != "2026-11-21T02:00:00+01:00" {
			t.Errorf("%s %s, want 2026-11-21T02:00:00+01:00 (Europe/Zurich, the policy's zone)", c.what, got)
		}
	}
}
