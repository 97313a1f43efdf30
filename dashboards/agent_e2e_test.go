package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simrepo"
	"github.com/vaultkeeper/vaultkeeper/dashboards/promtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/testtool"
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
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	bin := buildAgentBinaries(t)
	dir := t.TempDir()
	hosts := []agentHost{
		{Name: "aes-prod", Root: filepath.Join(dir, "hosts", "aes-prod")},
		{Name: "aes-staging", Root: filepath.Join(dir, "hosts", "aes-staging"), AllowRestore: true},
	}
	for _, h := range hosts {
		out, err := exec.Command(filepath.Join(bin, "altium-sim"), "init", "--root", h.Root, "--db-host", "127.0.0.1",
			"--files", "20", "--tables", "3", "--rows", "20").CombinedOutput()
		if err != nil {
			t.Fatalf("altium-sim init %s: %v\n%s", h.Name, err, out)
		}
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

	a := startAgent(t, bin, repo, filepath.Join(dir, "state"))
	prom := promtest.Start(t, []string{a.addr}, []string{"alerts.yaml"})
	t.Logf("agent and prometheus up after %v", time.Since(start).Round(time.Millisecond))

	// The agent backs nightly up at once, and restores its set onto aes-staging.
	var set reconciler.BackupView
	a.waitFor(ctx, "a verified set of nightly", func() bool {
		for _, b := range a.backups() {
			if b.Policy == "nightly" && b.Verified && !b.Replica {
				set = b
				return true
			}
		}
		return false
	})
	a.waitFor(ctx, "the restore onto aes-staging", func() bool {
		var rs []reconciler.RestoreView
		a.get("restores", &rs)
		return len(rs) == 1 && rs[0].RestoredSet != ""
	})
	t.Logf("set %s verified and restored after %v", set.ID, time.Since(start).Round(time.Millisecond))

	// promtool lints the real agent's exposition.
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(a.metrics())
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("promtool check metrics on the agent's /metrics: %v\n%s", err, out)
	}

	// Prometheus has seen the state; then a requested backup of nightly moves the counters
	// and histograms, so that the dashboard's rate() queries have something to show.
	waitProm(t, ctx, prom, `vaultkeeper_backup_sets{server="aes-prod",policy="nightly",verified="true"} >= 1`)
	waitProm(t, ctx, prom, `vaultkeeper_restore_backup_age_seconds{server="aes-staging",restore="staging-refresh"}`)
	out, err := exec.Command(filepath.Join(bin, "vaultkeeper"), "reconcile", "policy/nightly", "--addr", a.addr, "--state-dir", a.stateDir).CombinedOutput()
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
			t.Errorf("%v\nagent log:\n%s", err, tailLines(a.log(), 30))
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

	if err := a.stop(); err != nil {
		t.Errorf("agent after SIGTERM: %v\n%s", err, tailLines(a.log(), 30))
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

// buildAgentBinaries builds vaultkeeper and altium-sim into a temporary folder and returns it.
func buildAgentBinaries(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, name := range []string{"vaultkeeper", "altium-sim"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, name), "./cmd/"+name)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build ./cmd/%s: %v\n%s", name, err, out)
		}
	}
	return bin
}

// moduleRoot is the closest folder at or above the working directory that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above the working directory")
		}
		dir = parent
	}
}

// runningAgent is a `vaultkeeper run` subprocess.
type runningAgent struct {
	t        *testing.T
	addr     string
	stateDir string
	logFile  string
	cmd      *exec.Cmd
	waited   chan error
	stopped  bool
}

// startAgent runs `vaultkeeper run` on the manifests folder repo and waits until it is ready.
// The agent is stopped (SIGTERM) at the end of the test if the test has not stopped it.
func startAgent(t *testing.T, bin, repo, stateDir string) *runningAgent {
	t.Helper()
	a := &runningAgent{t: t, stateDir: stateDir, logFile: filepath.Join(filepath.Dir(stateDir), "agent.log"), waited: make(chan error, 1)}
	a.addr = freeLocalAddr(t)
	lf, err := os.Create(a.logFile)
	if err != nil {
		t.Fatal(err)
	}
	a.cmd = exec.Command(filepath.Join(bin, "vaultkeeper"), "run", "--source", repo, "--agent", "demo",
		"--state-dir", stateDir, "--listen", a.addr, "--interval", "1h", "--shutdown-timeout", "20s")
	a.cmd.Stdout, a.cmd.Stderr = lf, lf
	if err := a.cmd.Start(); err != nil {
		lf.Close()
		t.Fatal(err)
	}
	go func() { a.waited <- a.cmd.Wait(); lf.Close() }()
	t.Cleanup(func() {
		if err := a.stop(); err != nil {
			t.Logf("agent: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a.waitFor(ctx, "the agent to be ready", func() bool {
		resp, err := http.Get("http://" + a.addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return a
}

// stop sends SIGTERM and waits for the agent to exit; it returns the exit error, if any.
func (a *runningAgent) stop() error {
	if a.stopped {
		return nil
	}
	a.stopped = true
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case err := <-a.waited:
		return err
	case <-time.After(30 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.waited
		return errors.New("did not stop within 30s of SIGTERM; killed")
	}
}

func (a *runningAgent) log() string {
	b, _ := os.ReadFile(a.logFile)
	return string(b)
}

func (a *runningAgent) waitFor(ctx context.Context, what string, cond func() bool) {
	a.t.Helper()
	for !cond() {
		select {
		case err := <-a.waited:
			a.waited <- err
			a.t.Fatalf("the agent exited (%v) while waiting for %s; log:\n%s", err, what, tailLines(a.log(), 40))
		case <-ctx.Done():
			a.t.Fatalf("waiting for %s: %v; agent log:\n%s", what, ctx.Err(), tailLines(a.log(), 40))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// get decodes GET /api/v1/<kind>.
func (a *runningAgent) get(kind string, out any) {
	a.t.Helper()
	resp, err := http.Get("http://" + a.addr + "/api/v1/" + kind)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		a.t.Fatalf("/api/v1/%s: %v", kind, err)
	}
}

func (a *runningAgent) backups() []reconciler.BackupView {
	var bs []reconciler.BackupView
	a.get("backups", &bs)
	return bs
}

func (a *runningAgent) metrics() string {
	a.t.Helper()
	resp, err := http.Get("http://" + a.addr + "/metrics")
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		a.t.Fatalf("/metrics: %s: %v", resp.Status, err)
	}
	return string(b)
}

// waitProm waits until expr has a finite sample in Prometheus.
func waitProm(t *testing.T, ctx context.Context, prom *promtest.Server, expr string) {
	t.Helper()
	if _, err := prom.WaitFor(ctx, expr); err != nil {
		t.Fatalf("%v\nprometheus log:\n%s", err, prom.Log())
	}
}

func freeLocalAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
