package dashboards

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/promtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/metrics"
)

// fakeState is a Snapshot the test changes while Prometheus scrapes it.
type fakeState struct {
	mu   sync.Mutex
	snap metrics.Snapshot
}

func (f *fakeState) get() metrics.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.snap
	s.Policies = append([]metrics.PolicyStatus(nil), f.snap.Policies...)
	return s
}

func (f *fakeState) policy(server, policy string, change func(p *metrics.PolicyStatus)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.snap.Policies {
		if p := &f.snap.Policies[i]; p.Server == server && p.Policy == policy {
			change(p)
		}
	}
}

// healthy is an install whose backups are fresh, with one policy that never succeeded.
func healthy(now time.Time) metrics.Snapshot {
	fresh := func(server, policy string, maxAge time.Duration) metrics.PolicyStatus {
		return metrics.PolicyStatus{
			Server: server, Policy: policy, MaxAge: maxAge, MinVerified: 2, VerifyInterval: 168 * time.Hour,
			LastSuccess: now.Add(-time.Hour), LastAttempt: now.Add(-time.Hour), LastVerified: now.Add(-2 * time.Hour),
			SetsVerified: 3, SetsUnverified: 1, FreeBytes: 800 << 30,
			Size: metrics.SetSize{Files: 3 << 30, Dump: 1 << 30, Total: 4<<30 + 8192},
		}
	}
	return metrics.Snapshot{
		Policies: []metrics.PolicyStatus{
			fresh("aes-prod", "nightly", 26*time.Hour),
			fresh("aes-prod", "hourly", 2*time.Hour),
			{Server: "aes-staging", Policy: "weekly", MaxAge: 8 * 24 * time.Hour, MinVerified: 1, VerifyInterval: 168 * time.Hour, FreeBytes: -1},
		},
		Restores: []metrics.RestoreStatus{{
			Server: "aes-staging", Restore: "staging-refresh", MaxLag: 168 * time.Hour,
			LastSuccess: now.Add(-20 * time.Hour), RestoredBackupTime: now.Add(-22 * time.Hour),
		}},
		Checks: []metrics.CheckStatus{
			{Server: "aes-prod", Check: "tnsnames", OK: true, LastRun: now.Add(-10 * time.Minute)},
			{Server: "aes-prod", Check: "iis-binding", OK: false, LastRun: now.Add(-10 * time.Minute)},
		},
		Source: metrics.SourceStatus{LastSync: now.Add(-20 * time.Second), Revision: "4f2a9c1"},
	}
}

// noDataExpected are dashboard queries allowed to return no finite sample in this test, each
// with the reason. Keep it tiny.
var noDataExpected = map[string]string{}

// TestEndToEnd lets a real Prometheus scrape the metrics handler fed by a fake snapshot,
// evaluates every dashboard query and needs data from each, then makes a policy stale and
// waits for its alert.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end with a real Prometheus: not in -short")
	}
	start := time.Now()
	state := &fakeState{snap: healthy(start)}
	m := metrics.New("e2e", state.get)
	m.DeclareSteps("backup", "stop-iis", "avbackup", "export", "start-iis")
	agent := httptest.NewServer(m.Handler())
	defer agent.Close()

	// The loop's events, while the test runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			result := metrics.ResultSuccess
			if i%5 == 0 {
				result = metrics.ResultFailure
			}
			m.BackupFinished("aes-prod", "nightly", result, time.Duration(20+i%10)*time.Minute)
			m.StepFinished("backup", "avbackup", time.Duration(5+i%3)*time.Minute)
			m.BackupDowntime("aes-prod", "nightly", time.Duration(5+i%3)*time.Minute)
			m.Reconciled("BackupPolicy", result, time.Duration(i%7)*time.Second)
			m.RestoreFinished("aes-staging", "staging-refresh", result)
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	prom := promtest.Start(t, []string{agent.URL}, []string{"alerts.yaml"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := prom.WaitFor(ctx, `count_over_time(vaultkeeper_manifests_invalid[1m]) >= 5`); err != nil {
		t.Fatalf("no scrapes: %v\n%s", err, prom.Log())
	}

	for _, q := range queries(t, loadDashboard(t)) {
		v, err := prom.Query(ctx, expand(q.Expr))
		switch {
		case err != nil:
			t.Errorf("%s: %v", q.Where, err)
		case v.Finite() == 0 && noDataExpected[q.Expr] == "":
			t.Errorf("%s: no data from %s: %v", q.Where, expand(q.Expr), v)
		}
	}

	nightly := map[string]string{"server": "aes-prod", "policy": "nightly"}
	hourly := map[string]string{"server": "aes-prod", "policy": "hourly"}
	alerts, err := prom.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Labels["alertname"] == "VaultkeeperBackupStale" {
			t.Errorf("stale alert while every backup is fresh: %+v", a)
		}
	}

	// nightly goes stale; hourly too, but a run of it has just started.
	state.policy("aes-prod", "nightly", func(p *metrics.PolicyStatus) {
		p.LastSuccess = time.Now().Add(-3 * p.MaxAge)
		p.LastAttempt = p.LastSuccess
	})
	state.policy("aes-prod", "hourly", func(p *metrics.PolicyStatus) {
		p.LastSuccess = time.Now().Add(-3 * p.MaxAge)
		p.LastAttempt, p.Running = time.Now(), true
	})
	a, err := prom.WaitForAlert(ctx, "VaultkeeperBackupStale", nightly, "pending", "firing")
	if err != nil {
		t.Fatal(err)
	}
	if a.Labels["severity"] != "critical" || a.Annotations["runbook_url"] != RunbookBase+"vaultkeeperbackupstale" {
		t.Errorf("stale alert %+v: want severity critical and the README runbook", a)
	}
	// hourly must stay quiet while its run is in flight. Evidence that the rules have seen it:
	// Prometheus holds hourly's stale, running samples, and the rules were evaluated after.
	if _, err := prom.WaitFor(ctx, `vaultkeeper_backup_running{server="aes-prod",policy="hourly"} == 1
		and time() - vaultkeeper_backup_last_success_timestamp_seconds > vaultkeeper_backup_max_age_seconds`); err != nil {
		t.Fatalf("hourly's stale, running state never scraped: %v", err)
	}
	if err := prom.WaitEvaluatedAfter(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	alerts, err = prom.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Labels["alertname"] == "VaultkeeperBackupStale" && matchesAll(a.Labels, hourly) {
			t.Errorf("stale alert for a policy whose run is in flight: %+v", a)
		}
	}
	t.Logf("stale alert %s after %v; %d dashboard queries checked", a.State, time.Since(start).Round(time.Second), len(queries(t, loadDashboard(t))))
}

func matchesAll(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}
