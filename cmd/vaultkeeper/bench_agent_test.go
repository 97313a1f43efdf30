package main

// Benchmarks of the real agent binary (cmd/harness builds it once per test run) driving altium-sim
// hosts: webhook → first action, folder edit → new revision applied, and the idle agent's
// RSS and CPU. Each benchmark runs all its trials in one iteration and reports medians as
// custom metrics; run them with -test.benchtime 1x (scripts/bench.sh does, and puts the
// figures in its table). VK_BENCH_TRIALS sets the number of trials (default 21).

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

const benchWebhookSecret = "bench-webhook-secret"

// benchAgent is one `vaultkeeper run` process of a benchmark.
type benchAgent struct {
	*harness.Agent
	b *testing.B
}

func benchTrials() int {
	if n, err := strconv.Atoi(os.Getenv("VK_BENCH_TRIALS")); err == nil && n > 0 {
		return n
	}
	return 21
}

// benchHost creates an altium-sim host under dir/hosts/name.
func benchHost(b *testing.B, dir, name string) demoHost {
	b.Helper()
	h := harness.NewHost(b, name, filepath.Join(dir, "hosts", name), "--files", "30", "--tables", "4", "--rows", "50")
	return demoHost{Name: name, Root: filepath.ToSlash(h.Root), DBLocation: "127.0.0.1:1521"}
}

// benchSite writes hosts and the demo manifests into dir/repo; it returns the repo folder.
func benchSite(b *testing.B, dir string, names ...string) (string, []demoHost) {
	b.Helper()
	var hosts []demoHost
	for _, n := range names {
		hosts = append(hosts, benchHost(b, dir, n))
	}
	for _, d := range []string{"backups", "nas"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			b.Fatal(err)
		}
	}
	repo := filepath.Join(dir, "repo")
	if err := writeDemoManifests(repo, dir, hosts, false); err != nil {
		b.Fatal(err)
	}
	return repo, hosts
}

// startBenchAgent starts the agent on source (dir/state, log in dir/agent.log) and waits
// until it is ready.
func startBenchAgent(b *testing.B, dir, source string, extra ...string) *benchAgent {
	b.Helper()
	a := harness.Start(b, harness.Options{Source: source, StateDir: filepath.Join(dir, "state"),
		LogFile: filepath.Join(dir, "agent.log"), Args: extra})
	return &benchAgent{Agent: a, b: b}
}

// succeeded reports whether every named policy has a successful backup.
func (a *benchAgent) succeeded(names ...string) bool {
	var ps []reconciler.PolicyView
	if a.Fetch("policies", &ps) != nil {
		return false
	}
	ok := map[string]bool{}
	for _, p := range ps {
		ok[p.Name] = !p.LastSuccess.IsZero()
		if p.LastResult != "" && p.LastResult != "success" && !p.Running {
			a.b.Fatalf("policy %s: %s %s", p.Name, p.LastResult, p.LastError)
		}
	}
	for _, n := range names {
		if !ok[n] {
			return false
		}
	}
	return true
}

// idle reports whether the agent has no action due and none running.
func (a *benchAgent) idle() bool {
	var plan struct {
		Actions []json.RawMessage `json:"actions"`
	}
	var ps []reconciler.PolicyView
	if a.Fetch("plan", &plan) != nil || a.Fetch("policies", &ps) != nil || len(plan.Actions) > 0 {
		return false
	}
	for _, p := range ps {
		if p.Running {
			return false
		}
	}
	return true
}

// quiet waits until the agent is idle on two looks 100 ms apart.
func (a *benchAgent) quiet() {
	a.b.Helper()
	a.WaitForEvery("the agent to be idle", 60*time.Second, 20*time.Millisecond, func() bool {
		if !a.idle() {
			return false
		}
		time.Sleep(100 * time.Millisecond)
		return a.idle()
	})
}

func (a *benchAgent) sourceStatus() state.Source {
	var s state.Source
	if err := a.Fetch("source", &s); err != nil {
		a.b.Fatal(err)
	}
	return s
}

func benchGit(b *testing.B, dir string, args ...string) string {
	b.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=bench", "-c", "user.email=bench@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// simStart is the start record of one altium-sim tool call.
type simStart struct {
	Tool  string    `json:"tool"`
	Phase string    `json:"phase"`
	Argv  []string  `json:"argv"`
	Start time.Time `json:"start"`
}

// firstStartAfter returns the first start record in events.jsonl past byte offset off.
func firstStartAfter(path string, off int64) (simStart, bool) {
	f, err := os.Open(path)
	if err != nil {
		return simStart{}, false
	}
	defer f.Close()
	if _, err := f.Seek(off, 0); err != nil {
		return simStart{}, false
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e simStart
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Phase == "start" {
			return e, true
		}
	}
	return simStart{}, false
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

const benchPolicy = `---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: %s}
spec:
  server: aes-prod
  schedule: "0 2 * * *"
  timeZone: Europe/Zurich
  destination: '%s'
  retention: {keepLast: 3, keepDaily: 14, minVerified: 1}
  maxAge: 26h
  verify: {interval: 168h}
`

// BenchmarkAgentWebhookToAction: the agent follows a bare git repo (file://) and is idle;
// each trial commits a new BackupPolicy for aes-prod (due at once: it never succeeded),
// pushes, and POSTs the signed webhook. Measured from just before the POST to the start
// record of the run's first tool call in altium-sim's events.jsonl (`net stop WAS /y`:
// IIS stopped for the backup), and to the run's journal start (state: run.started). The
// next trial starts once that backup has succeeded and the agent is idle again.
func BenchmarkAgentWebhookToAction(b *testing.B) {
	trials := benchTrials()
	dir := b.TempDir()
	work, hosts := benchSite(b, dir, "aes-prod")
	benchGit(b, work, "init", "-q")
	benchGit(b, work, "add", "-A")
	benchGit(b, work, "commit", "-q", "-m", "aes-prod")
	bare := filepath.Join(dir, "manifests.git")
	benchGit(b, dir, "clone", "-q", "--bare", work, bare)
	benchGit(b, work, "remote", "add", "origin", bare)
	secretFile := filepath.Join(dir, "webhook-secret")
	if err := os.WriteFile(secretFile, []byte(benchWebhookSecret+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	a := startBenchAgent(b, dir, "file://"+bare, "--webhook-secret-file", secretFile)
	a.WaitForEvery("the first backup", 60*time.Second, 50*time.Millisecond, func() bool { return a.succeeded("aes-prod-nightly") })
	a.quiet()
	events := filepath.Join(filepath.FromSlash(hosts[0].Root), "events.jsonl")
	manifest := filepath.Join(work, "altium.yaml")
	var toAction, toRun []time.Duration
	for b.Loop() {
		toAction, toRun = toAction[:0], toRun[:0]
		for i := range trials {
			name := fmt.Sprintf("bench-%d-%02d", time.Now().UnixNano(), i)
			dest := filepath.Join(dir, "backups-"+name)
			if err := os.MkdirAll(dest, 0o750); err != nil {
				b.Fatal(err)
			}
			f, err := os.OpenFile(manifest, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(f, benchPolicy, name, filepath.ToSlash(dest))
			f.Close()
			benchGit(b, work, "commit", "-q", "-a", "-m", "policy "+name)
			benchGit(b, work, "push", "-q", "origin", "HEAD:main")
			head := benchGit(b, work, "rev-parse", "HEAD")

			body := fmt.Appendf(nil, `{"ref":"refs/heads/main","after":"%s"}`, head)
			mac := hmac.New(sha256.New, []byte(benchWebhookSecret))
			mac.Write(body)
			req, _ := http.NewRequest(http.MethodPost, a.URL("/webhook"), bytes.NewReader(body))
			req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
			req.Header.Set("X-GitHub-Event", "push")
			req.Header.Set("Content-Type", "application/json")
			off := fileSize(events)
			t0 := time.Now()
			resp, err := a.Client().Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				b.Fatalf("webhook: %s", resp.Status)
			}
			var first simStart
			a.WaitForEvery("the first tool call of "+name, 30*time.Second, time.Millisecond, func() bool {
				var ok bool
				first, ok = firstStartAfter(events, off)
				return ok
			})
			if first.Tool != "net" || strings.Join(first.Argv, " ") != "stop WAS /y" {
				b.Fatalf("first tool call after the webhook is %s %v, not net stop WAS /y", first.Tool, first.Argv)
			}
			toAction = append(toAction, first.Start.Sub(t0))
			a.WaitForEvery("the backup of "+name, 60*time.Second, 20*time.Millisecond, func() bool { return a.succeeded(name) })
			a.quiet()
			raw, err := os.ReadFile(filepath.Join(a.StateDir, "status.json"))
			if err != nil {
				b.Fatal(err)
			}
			var st state.Status
			if err := json.Unmarshal(raw, &st); err != nil {
				b.Fatal(err)
			}
			for _, r := range st.History {
				if r.Kind == "backup" && strings.HasSuffix(r.Object, "/"+name) {
					toRun = append(toRun, r.Started.Sub(t0))
				}
			}
		}
	}
	if len(toRun) != len(toAction) {
		b.Fatalf("found %d run journals for %d trials", len(toRun), len(toAction))
	}
	b.ReportMetric(ms(median(toAction)), "action-ms")
	b.ReportMetric(ms(slices.Max(toAction)), "action-max-ms")
	b.ReportMetric(ms(median(toRun)), "run-ms")
	b.ReportMetric(float64(len(toAction)), "trials")
}

// BenchmarkAgentFolderEditToPlan: the agent follows a local folder; each trial rewrites the
// manifest file with a changed maxAge and measures from just before the write until the
// agent's /api/v1/source reports the new revision as attempted (it is set after the new
// revision is loaded, applied and the catalog rescanned, right before the loop plans).
func BenchmarkAgentFolderEditToPlan(b *testing.B) {
	trials := benchTrials()
	dir := b.TempDir()
	repo, _ := benchSite(b, dir, "aes-prod")
	a := startBenchAgent(b, dir, repo)
	a.WaitForEvery("the first backup", 60*time.Second, 50*time.Millisecond, func() bool { return a.succeeded("aes-prod-nightly") })
	a.quiet()
	manifest := filepath.Join(repo, "altium.yaml")
	base, err := os.ReadFile(manifest)
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.Contains(base, []byte("maxAge: 26h")) {
		b.Fatal("demo manifests lost their maxAge: 26h")
	}
	var lat []time.Duration
	for b.Loop() {
		lat = lat[:0]
		for i := range trials {
			before := a.sourceStatus().LastAttempted
			edited := bytes.Replace(base, []byte("maxAge: 26h"), fmt.Appendf(nil, "maxAge: %dh", 27+i%2), 1)
			t0 := time.Now()
			if err := os.WriteFile(manifest, edited, 0o644); err != nil {
				b.Fatal(err)
			}
			var s state.Source
			a.WaitForEvery("the edited revision", 10*time.Second, 2*time.Millisecond, func() bool {
				s = a.sourceStatus()
				return s.LastAttempted != before
			})
			lat = append(lat, time.Since(t0))
			if s.LastApplied != s.LastAttempted {
				b.Fatalf("edit %d not applied: %s %v", i, s.Reason, s.Errors)
			}
			time.Sleep(300 * time.Millisecond) // past the debounce, so trials do not merge
		}
	}
	b.ReportMetric(ms(median(lat)), "edit-ms")
	b.ReportMetric(ms(slices.Max(lat)), "edit-max-ms")
	b.ReportMetric(float64(len(lat)), "trials")
}

// procStat returns utime+stime (clock ticks) of pid, its CPU time from schedstat (ns, summed
// over its threads: exact, where ticks are 10 ms), and VmRSS and VmHWM in KiB.
func procStat(b *testing.B, pid int) (ticks, cpuNs, rssKiB, hwmKiB int64) {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Skip("no /proc:", err)
	}
	// Fields after the ")" closing comm: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stt, _ := strconv.ParseInt(f[12], 10, 64)
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, t := range tasks {
		if raw, err := os.ReadFile(t); err == nil {
			if fs := strings.Fields(string(raw)); len(fs) > 0 {
				n, _ := strconv.ParseInt(fs[0], 10, 64)
				cpuNs += n
			}
		}
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rssKiB = n
		case "VmHWM":
			hwmKiB = n
		}
	}
	return ut + stt, cpuNs, rssKiB, hwmKiB
}

func benchDuration(env string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(env)); err == nil {
		return d
	}
	return def
}

// BenchmarkAgentIdle: three servers with one policy each, after each has made its first
// backup and its checks (nothing due for hours), left alone VK_BENCH_IDLE_SETTLE (10 s);
// then VmRSS and utime+stime over VK_BENCH_IDLE_WINDOW (10 s) with no requests to the agent.
func BenchmarkAgentIdle(b *testing.B) {
	settle := benchDuration("VK_BENCH_IDLE_SETTLE", 10*time.Second)
	window := benchDuration("VK_BENCH_IDLE_WINDOW", 10*time.Second)
	dir := b.TempDir()
	repo, _ := benchSite(b, dir, "aes-prod", "aes-staging", "aes-dev")
	a := startBenchAgent(b, dir, repo)
	a.WaitForEvery("the first backups", 60*time.Second, 50*time.Millisecond, func() bool {
		return a.succeeded("aes-prod-nightly", "aes-staging-nightly", "aes-dev-nightly")
	})
	a.quiet()
	a.Client().CloseIdleConnections()
	pid := a.Pid()
	var ticks, cpuNs, rss, hwm int64
	for b.Loop() {
		time.Sleep(settle)
		t1, c1, _, _ := procStat(b, pid)
		time.Sleep(window)
		var t2, c2 int64
		t2, c2, rss, hwm = procStat(b, pid)
		ticks, cpuNs = t2-t1, c2-c1
	}
	// USER_HZ is 100 on every Linux the agent targets: one tick is 10 ms of CPU.
	b.ReportMetric(float64(rss)/1024, "rss-MiB")
	b.ReportMetric(float64(hwm)/1024, "hwm-MiB")
	b.ReportMetric(float64(ticks), "cpu-ticks")
	b.ReportMetric(float64(cpuNs)/1e6, "cpu-ms")
	b.ReportMetric(float64(cpuNs)/float64(window)*100, "cpu-%")
	b.ReportMetric(window.Seconds(), "window-s")
}
