package dashboards

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simrepo"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/promtest"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

// agentManifests are the manifests of the agent end-to-end test, in the shape of
// cmd/vaultkeeper/demo_manifests.go. The names are those the shared expand() selects
// (servers aes-prod and aes-staging; policies nightly, hourly and weekly):
//   - nightly: a healthy policy of aes-prod with a copy; it must raise no backup alert;
//   - hourly: healthy too, but with a maxAge of a few seconds, so that its set goes stale
//     while the test runs (the schedule does not run it again before 02:00);
//   - weekly: its destination lies under a regular file, so it can never succeed;
//   - staging-refresh: a standing restore of nightly's latest set onto aes-staging.
var agentManifests = template.Must(template.New("m").Funcs(template.FuncMap{"server": func(h agentHost) string {
	return simrepo.Server(simrepo.Host{Name: h.Name, Root: h.Root, AllowRestore: h.AllowRestore})
}}).Parse(`
{{- range .Hosts}}
---
{{server .}}
{{- end}}
---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: nightly}
spec:
  server: aes-prod
  schedule: "0 2 * * *"
  timeZone: UTC
  destination: '{{.Dir}}/backups'
  copies: ['{{.Dir}}/nas']
  retention: {keepLast: 3, minVerified: 1}
  maxAge: 26h
  verify: {interval: 168h}
---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: hourly}
spec:
  server: aes-prod
  schedule: "0 2 * * *"
  timeZone: UTC
  destination: '{{.Dir}}/hourly'
  retention: {keepLast: 3, minVerified: 1}
  maxAge: {{.StaleAfter}}
  verify: {interval: 168h}
---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: weekly}
spec:
  server: aes-prod
  schedule: "0 2 * * *"
  timeZone: UTC
  destination: '{{.Dir}}/not-a-folder/backups'
  retention: {keepLast: 3, minVerified: 1}
  maxAge: {{.StaleAfter}}
  verify: {interval: 168h}
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: staging-refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: nightly, backup: latest}
  maxLag: 168h
  safetyBackup: false
`))

// staleAfter is the maxAge of the hourly and weekly policies: short, so that hourly's set is
// stale and weekly has "never succeeded" for longer than its maxAge within seconds.
const staleAfter = 3 * time.Second

// agentNoDataExpected are dashboard queries allowed to return no finite sample from the real
// agent, each with the reason. Keep it tiny.
var agentNoDataExpected = map[string]string{}

// TestAgentE2EWithPrometheus builds the real vaultkeeper and altium-sim, lets the agent back a
// simulated host up and restore it onto a second one while a real Prometheus scrapes it,
// checks /metrics with promtool, evaluates every dashboard query through Prometheus and needs
// data from each, then sees the alerts of a stale policy and of one that never succeeds.
func TestAgentE2EWithPrometheus(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end with the real agent and a real Prometheus: not in -short")
	}
	testtool.Require(t, "prometheus")
	promtool := testtool.Require(t, "promtool")
	harness.Binary(t, harness.Vaultkeeper) // built (once per test run) before the clock starts
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	dir := t.TempDir()
	hosts := []agentHost{
		{Name: "aes-prod", Root: filepath.Join(dir, "hosts", "aes-prod")},
		{Name: "aes-staging", Root: filepath.Join(dir, "hosts", "aes-staging"), AllowRestore: true},
	}
	for _, h := range hosts {
		harness.NewHost(t, h.Name, h.Root, "--files", "20", "--tables", "3", "--rows", "20")
	}
	for _, d := range []string{"backups", "nas", "hourly"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	// weekly's destination is under this regular file: it can be neither found nor created.
	if err := os.WriteFile(filepath.Join(dir, "not-a-folder"), []byte("a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(dir, "repo")
	writeAgentManifests(t, repo, dir, hosts)

	a := harness.Start(t, harness.Options{Source: repo, StateDir: filepath.Join(dir, "state")})
	prom := promtest.Start(t, []string{a.Addr}, []string{"alerts.yaml"})
	t.Logf("agent and prometheus up after %v", time.Since(start).Round(time.Millisecond))

	// The agent backs nightly up at once, and restores its set onto aes-staging.
	var set reconciler.BackupView
	waitAgent(ctx, a, "a verified set of nightly", func() bool {
		var bs []reconciler.BackupView
		a.Get("backups", &bs)
		for _, b := range bs {
			if b.Policy == "nightly" && b.Verified && !b.Replica {
				set = b
				return true
			}
		}
		return false
	})
	waitAgent(ctx, a, "the restore onto aes-staging", func() bool {
		var rs []reconciler.RestoreView
		a.Get("restores", &rs)
		return len(rs) == 1 && rs[0].RestoredSet != ""
	})
	t.Logf("set %s verified and restored after %v", set.ID, time.Since(start).Round(time.Millisecond))

	// promtool lints the real agent's exposition.
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(a.Metrics())
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("promtool check metrics on the agent's /metrics: %v\n%s", err, out)
	}

	// Prometheus has seen the state; then a requested backup of nightly moves the counters
	// and histograms, so that the dashboard's rate() queries have something to show.
	waitProm(t, ctx, prom, `vaultkeeper_backup_sets{server="aes-prod",policy="nightly",verified="true"} >= 1`)
	waitProm(t, ctx, prom, `vaultkeeper_restore_backup_age_seconds{server="aes-staging",restore="staging-refresh"}`)
	out, err := exec.Command(harness.Binary(t, harness.Vaultkeeper), "reconcile", "policy/nightly", "--addr", a.Addr, "--state-dir", a.StateDir).CombinedOutput()
	if err != nil {
		t.Fatalf("vaultkeeper reconcile policy/nightly: %v\n%s", err, out)
	}
	waitProm(t, ctx, prom, `vaultkeeper_backup_runs_total{server="aes-prod",policy="nightly",result="success"} >= 2`)
	waitProm(t, ctx, prom, `sum(rate(vaultkeeper_step_duration_seconds_count{operation="backup"}[30s])) > 0`)

	qs := queries(t, loadDashboard(t))
	for _, q := range qs {
		v, err := prom.Query(ctx, expand(q.Expr))
		switch {
		case err != nil:
			t.Errorf("%s: %v", q.Where, err)
		case v.Finite() == 0 && agentNoDataExpected[q.Expr] == "":
			t.Errorf("%s: no data from %s: %v", q.Where, expand(q.Expr), v)
		}
	}
	t.Logf("%d dashboard queries answered after %v", len(qs), time.Since(start).Round(time.Millisecond))

	// hourly's only set is older than its maxAge by now; weekly never succeeded and its last
	// run failed. The rules' for: (5m, 10m) keeps them pending within this test.
	prodPolicy := func(p string) map[string]string { return map[string]string{"server": "aes-prod", "policy": p} }
	for _, w := range []struct {
		alert, policy, severity string
	}{
		{"VaultkeeperBackupStale", "hourly", "critical"},
		{"VaultkeeperBackupFailing", "weekly", "warning"},
		{"VaultkeeperBackupNeverSucceeded", "weekly", "critical"},
	} {
		al, err := prom.WaitForAlert(ctx, w.alert, prodPolicy(w.policy), "pending", "firing")
		if err != nil {
			t.Errorf("%v\nagent log:\n%s", err, harness.Tail(a.Log(), 30))
			continue
		}
		if al.Labels["severity"] != w.severity || al.Annotations["runbook_url"] != RunbookBase+strings.ToLower(w.alert) {
			t.Errorf("%s for %s: %+v, want severity %s and the README runbook", w.alert, w.policy, al, w.severity)
		}
		t.Logf("%s %s for %s after %v", w.alert, al.State, w.policy, time.Since(start).Round(time.Millisecond))
	}
	alerts, err := prom.Alerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, al := range alerts {
		if strings.HasPrefix(al.Labels["alertname"], "VaultkeeperBackup") && al.Labels["policy"] == "nightly" {
			t.Errorf("backup alert for the healthy policy nightly: %+v", al)
		}
	}

	if err := a.Stop(); err != nil {
		t.Errorf("agent after SIGTERM: %v\n%s", err, harness.Tail(a.Log(), 30))
	}
	t.Logf("done after %v", time.Since(start).Round(time.Millisecond))
}

type agentHost struct {
	Name, Root   string
	AllowRestore bool
}

func writeAgentManifests(t *testing.T, repo, dir string, hosts []agentHost) {
	t.Helper()
	for i := range hosts {
		hosts[i].Root = filepath.ToSlash(hosts[i].Root)
	}
	var b bytes.Buffer
	if err := agentManifests.Execute(&b, map[string]any{"Dir": filepath.ToSlash(dir), "Hosts": hosts, "StaleAfter": staleAfter.String()}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "altium.yaml"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitAgent waits for cond within ctx's deadline (see harness.Agent.WaitFor).
func waitAgent(ctx context.Context, a *harness.Agent, what string, cond func() bool) {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(time.Minute)
	}
	a.WaitFor(what, time.Until(dl), cond)
}

// waitProm waits until expr has a finite sample in Prometheus.
func waitProm(t *testing.T, ctx context.Context, prom *promtest.Server, expr string) {
	t.Helper()
	if _, err := prom.WaitFor(ctx, expr); err != nil {
		t.Fatalf("%v\nprometheus log:\n%s", err, prom.Log())
	}
}
