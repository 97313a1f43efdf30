package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// Options say how to run `vaultkeeper run`.
type Options struct {
	// Source is --source: a manifests folder or a git URL.
	Source string
	// StateDir is --state-dir.
	StateDir string
	// Name is --agent (default demo, the name the demo manifests use).
	Name string
	// LogFile receives the agent's stdout and stderr (default: agent-N.log beside StateDir,
	// a new file for every start).
	LogFile string
	// Args are more flags, after the harness's own (--listen 127.0.0.1:0, --interval 1h,
	// --shutdown-timeout 30s): a flag given again here wins.
	Args []string
	// ReadyTimeout bounds Start's wait for the first applied revision (default 30s).
	ReadyTimeout time.Duration
}

// StopTimeout is how long Stop waits for the agent to exit after the stop signal; the
// harness's --shutdown-timeout is shorter, so an agent past it is stuck.
const StopTimeout = 40 * time.Second

// Agent is one `vaultkeeper run` process.
type Agent struct {
	t testing.TB
	// Addr is the host:port the agent listens on, known once it is ready.
	Addr     string
	StateDir string
	LogFile  string
	Cmd      *exec.Cmd
	client   *http.Client
	waited   chan struct{}
	err      error // the exit status, once waited is closed
	stopped  bool  // Stop, Kill or an observed exit happened
	observed bool  // the test saw the exit (Exited), so its status is the test's business
	timeout  time.Duration
}

var logSeq atomic.Int64

// Launch starts the agent and returns without waiting for it (see WaitReady). The agent is
// stopped at the end of the test unless the test stopped or killed it.
func Launch(t testing.TB, o Options) *Agent {
	t.Helper()
	if o.Name == "" {
		o.Name = "demo"
	}
	if o.LogFile == "" {
		o.LogFile = filepath.Join(filepath.Dir(o.StateDir), fmt.Sprintf("agent-%d.log", logSeq.Add(1)))
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 30 * time.Second
	}
	// A listen-addr left by an earlier agent on this state dir must not be mistaken for ours.
	if err := state.ClearListenAddr(o.StateDir); err != nil {
		t.Fatal(err)
	}
	a := &Agent{t: t, StateDir: o.StateDir, LogFile: o.LogFile, client: &http.Client{Timeout: 10 * time.Second},
		waited: make(chan struct{}), timeout: o.ReadyTimeout}
	lf, err := os.Create(o.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"run", "--source", o.Source, "--agent", o.Name, "--state-dir", o.StateDir,
		"--listen", "127.0.0.1:0", "--interval", "1h", "--shutdown-timeout", "30s"}, o.Args...)
	a.Cmd = exec.Command(Binary(t, Vaultkeeper), args...)
	a.Cmd.Stdout, a.Cmd.Stderr = lf, lf
	if err := a.Cmd.Start(); err != nil {
		lf.Close()
		t.Fatalf("start vaultkeeper run: %v", err)
	}
	go func() {
		a.err = a.Cmd.Wait()
		lf.Close()
		close(a.waited)
	}()
	t.Cleanup(func() {
		if a.observed {
			return
		}
		if err := a.Stop(); err != nil {
			t.Errorf("agent: %v\n%s", err, Tail(a.Log(), 30))
		}
	})
	return a
}

// Start launches the agent and waits until it is ready (WaitReady).
func Start(t testing.TB, o Options) *Agent {
	t.Helper()
	a := Launch(t, o)
	a.WaitReady()
	return a
}

// WaitReady waits until the agent has written its address to the state dir and answers
// /readyz (a revision is applied).
func (a *Agent) WaitReady() {
	a.t.Helper()
	a.WaitFor("the agent's listen address", a.timeout, func() bool {
		addr, err := state.ListenAddr(a.StateDir)
		a.Addr = reachable(addr)
		return err == nil
	})
	a.WaitFor("the agent to be ready", a.timeout, func() bool {
		resp, err := a.client.Get(a.URL("/readyz"))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// reachable is addr with an unspecified host (0.0.0.0, ::) replaced by 127.0.0.1: where a
// test on this machine reaches an agent listening on every interface.
func reachable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// Running reports whether the agent process has not exited (yet).
func (a *Agent) Running() bool {
	select {
	case <-a.waited:
		return false
	default:
		return true
	}
}

// Pid is the agent's process id.
func (a *Agent) Pid() int { return a.Cmd.Process.Pid }

// Stop asks the agent to shut down gracefully (SIGTERM; on Windows, which has no SIGTERM,
// the authenticated POST /api/v1/shutdown) and waits
// up to StopTimeout; it returns the exit status. Where the stop signal cannot be sent, the
// agent is killed and Stop returns nil. Calling it again returns nil.
func (a *Agent) Stop() error {
	if a.stopped {
		return nil
	}
	a.stopped = true
	select {
	case <-a.waited:
		return a.err
	default:
	}
	if err := terminate(a); err != nil {
		// No graceful stop possible (on Windows: the agent not reachable yet): kill. Tests that
		// need a graceful shutdown check its effects (IIS started again), so they still fail.
		a.t.Logf("agent: no graceful stop (%v); killed", err)
		_ = a.Cmd.Process.Kill()
		<-a.waited
		return nil
	}
	select {
	case <-a.waited:
		return a.err
	case <-time.After(StopTimeout):
		_ = a.Cmd.Process.Kill()
		<-a.waited
		return fmt.Errorf("did not stop within %s of the stop signal; killed", StopTimeout)
	}
}

// Kill ends the agent with SIGKILL, as a crash, and waits for it.
func (a *Agent) Kill() {
	a.stopped = true
	_ = a.Cmd.Process.Kill()
	<-a.waited
}

// Exited waits up to limit for the agent to exit by itself and returns its exit status; ok
// is false if it still runs. The test owns that status: the end of the test does not report it.
func (a *Agent) Exited(limit time.Duration) (err error, ok bool) {
	select {
	case <-a.waited:
		a.stopped, a.observed = true, true
		return a.err, true
	case <-time.After(limit):
		return nil, false
	}
}

// Log is everything the agent has written so far.
func (a *Agent) Log() string {
	b, _ := os.ReadFile(a.LogFile)
	return string(b)
}

// WaitFor polls cond every 100 ms until it holds; the test fails after limit, or at once if
// the agent exits meanwhile, with the end of the agent's log.
func (a *Agent) WaitFor(what string, limit time.Duration, cond func() bool) {
	a.t.Helper()
	a.WaitForEvery(what, limit, 100*time.Millisecond, cond)
}

// WaitForEvery is WaitFor polling every every (benchmarks measure with a fine grain).
func (a *Agent) WaitForEvery(what string, limit, every time.Duration, cond func() bool) {
	a.t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		select {
		case <-a.waited:
			if !cond() {
				a.t.Fatalf("the agent exited (%v) while waiting for %s; agent log:\n%s", a.err, what, Tail(a.Log(), 40))
			}
			return
		default:
		}
		if time.Now().After(end) {
			a.t.Fatalf("timed out after %s waiting for %s; agent log:\n%s", limit, what, Tail(a.Log(), 40))
		}
		time.Sleep(every)
	}
}

// Poll polls cond every 100 ms until it holds and fails t after limit; for waits that do not
// depend on a running agent. more, when not nil, adds to the failure message.
func Poll(t testing.TB, what string, limit time.Duration, cond func() bool, more func() string) {
	t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			msg := ""
			if more != nil {
				msg = "\n" + more()
			}
			t.Fatalf("timed out after %s waiting for %s%s", limit, what, msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// URL is the agent's URL for path (which starts with /).
func (a *Agent) URL(path string) string { return "http://" + a.Addr + path }

// Client is the HTTP client the harness uses (10 s timeout).
func (a *Agent) Client() *http.Client { return a.client }

// Fetch decodes GET /api/v1/<kind> into out.
func (a *Agent) Fetch(kind string, out any) error {
	resp, err := a.client.Get(a.URL("/api/v1/" + kind))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("GET /api/v1/%s: %s: %s", kind, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("GET /api/v1/%s: %w", kind, err)
	}
	return nil
}

// Get is Fetch failing the test on error.
func (a *Agent) Get(kind string, out any) {
	a.t.Helper()
	if err := a.Fetch(kind, out); err != nil {
		a.t.Fatal(err)
	}
}

// Metrics returns the agent's /metrics exposition.
func (a *Agent) Metrics() string {
	a.t.Helper()
	resp, err := a.client.Get(a.URL("/metrics"))
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET /metrics: %s: %v", resp.Status, err)
	}
	return string(b)
}

// Token is the API token the agent keeps in its state dir.
func (a *Agent) Token() string {
	a.t.Helper()
	b, err := os.ReadFile(filepath.Join(a.StateDir, "api-token"))
	if err != nil {
		a.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// Post calls a write action of the API (POST path?q) with the token; it fails the test
// unless the answer is 200.
func (a *Agent) Post(path string, q url.Values) {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL(path)+"?"+q.Encode(), nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.Token())
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		a.t.Fatalf("POST %s?%s: %s: %s", path, q.Encode(), resp.Status, b)
	}
}

// Request asks the agent to reconcile object (KIND/NAME) now.
func (a *Agent) Request(object string) {
	a.t.Helper()
	a.Post("/api/v1/reconcile", url.Values{"object": {object}})
}

// PlanItem is one entry of the agent's plan (GET /api/v1/plan): an action due now, one
// waiting for its time, or one blocked until a person acts.
type PlanItem struct {
	Kind   string    `json:"kind"`
	Server string    `json:"server"`
	Object string    `json:"object"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Plan is what the agent's loop would do now, as its API serves it.
type Plan struct {
	Now     time.Time  `json:"now"`
	Actions []PlanItem `json:"actions"`
	Waiting []PlanItem `json:"waiting"`
	Blocked []PlanItem `json:"blocked"`
}

// Plan fetches the agent's plan.
func (a *Agent) Plan() Plan {
	a.t.Helper()
	var p Plan
	a.Get("plan", &p)
	return p
}

// Find returns the item of items for object, if any.
func Find(items []PlanItem, object string) (PlanItem, bool) {
	for _, it := range items {
		if it.Object == object {
			return it, true
		}
	}
	return PlanItem{}, false
}
