package reconciler

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func ops(evs []hostEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Op)
	}
	return strings.Join(out, ",")
}

// TestMinimalDowntimeFallback (#18): a minimal-downtime policy starts IIS before the
// export; an export that cannot read as of its SCN (ORA-01555) fails the run, publishes
// nothing, and the status says the next attempt runs in the vendor order, which it does;
// its success clears the fallback, and the run after it is minimal again.
func TestMinimalDowntimeFallback(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 5, 10, 5, 0, 0, zurich)
	m := strings.Replace(simManifests, "metadata: {name: prod-hourly}\nspec:\n", "metadata: {name: prod-hourly}\nspec:\n  downtime: minimal\n", 1)
	if m == simManifests {
		t.Fatal("prod-hourly not found in the manifests")
	}
	s := newSim(t, m, t0)
	h := s.hosts.Host("aes-prod")
	h.FailFlashback = 1

	s.step(t0)
	if got := ops(h.Events()); got != "stop-iis,avbackup,start-iis,export" {
		t.Fatalf("minimal run did %s, want IIS started before the export", got)
	}
	p := s.store.Snapshot().Policies["prod-hourly"]
	if p == nil || p.LastResult != "failure" || !strings.Contains(p.DowntimeFallback, "next attempt runs in the vendor order") ||
		!strings.Contains(p.LastError, "ORA-01555") {
		t.Fatalf("status after ORA-01555: %+v", p)
	}
	dest := filepath.Join(s.root, "backups")
	scan := func() []catalog.Set {
		cat, _, err := catalog.Scan(context.Background(), []catalog.Root{{Policy: "prod-hourly", Destination: dest}})
		if err != nil {
			t.Fatal(err)
		}
		return cat.SetsIn(dest, "aes-prod", "prod-hourly")
	}
	if sets := scan(); len(sets) != 0 {
		t.Fatalf("a set was published after ORA-01555: %+v", sets)
	}

	retryAt := t0.Add(outcome.DefaultBackoff.Delay(1))
	s.step(retryAt)
	if got := ops(h.Events()[4:]); got != "stop-iis,avbackup,export,start-iis" {
		t.Fatalf("the retry did %s, want the vendor order", got)
	}
	sets := scan()
	if len(sets) != 1 || sets[0].Meta.Downtime != "vendor" || sets[0].Meta.Oracle.SCN != 0 {
		t.Fatalf("sets after the retry: %+v, want one vendor set", sets)
	}
	if p := s.store.Snapshot().Policies["prod-hourly"]; p.DowntimeFallback != "" || p.LastResult != "success" {
		t.Errorf("status after the vendor retry: %+v", p)
	}

	s.step(t0.Add(55 * time.Minute)) // the 11:00 fire time
	if got := ops(h.Events()[8:]); got != "stop-iis,avbackup,start-iis,export" {
		t.Errorf("the run after the fallback did %s, want minimal again", got)
	}
	sets = scan()
	if len(sets) != 2 || sets[1].Meta.Downtime != "minimal" || sets[1].Meta.Oracle.SCN != 1_000_001 {
		t.Errorf("newest set %+v, want minimal with the SCN", sets[len(sets)-1].Meta)
	}
	mfs, err := s.a.Metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		found = found || mf.GetName() == "vaultkeeper_backup_downtime_seconds"
	}
	if !found {
		t.Error("no vaultkeeper_backup_downtime_seconds")
	}
}
