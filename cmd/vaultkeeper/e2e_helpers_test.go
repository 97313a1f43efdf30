package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	simhost "github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

// world is a simulated site: altium-sim hosts, a manifests folder, and the real agent binary
// (cmd/harness builds it once per test run).
type world struct {
	t        *testing.T
	dir      string
	hosts    map[string]string
	stateDir string
	addr     string // the running agent's address; the last one's after it stopped
	agent    *harness.Agent
	logFile  string // the last agent's log
	// args are added to every `vaultkeeper run` that start launches.
	args []string
}

// newWorld creates the hosts and the
// manifests; initArgs are added to every host's `altium-sim init` (e.g. --oracle-version).
func newWorld(t *testing.T, names []string, restore bool, initArgs ...string) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), hosts: map[string]string{}}
	w.stateDir = filepath.Join(w.dir, "state")
	var hosts []demoHost
	for _, name := range names {
		h := harness.NewHost(t, name, filepath.Join(w.dir, "hosts", name), append([]string{"--files", "30", "--tables", "4", "--rows", "50"}, initArgs...)...)
		w.hosts[name] = h.Root
		hosts = append(hosts, demoHost{Name: name, Root: filepath.ToSlash(h.Root), DBLocation: "127.0.0.1:1521", AllowRestore: name == "aes-staging"})
	}
	for _, d := range []string{"backups", "nas"} {
		os.MkdirAll(filepath.Join(w.dir, d), 0o750)
	}
	if err := writeDemoManifests(filepath.Join(w.dir, "repo"), w.dir, hosts, restore); err != nil {
		t.Fatal(err)
	}
	return w
}

// host is the harness's view of a host of the world.
func (w *world) host(name string) harness.Host {
	return harness.Host{Name: name, Root: w.hosts[name]}
}

// fault writes a host's faults.yaml.
func (w *world) fault(host, yaml string) {
	w.t.Helper()
	w.host(host).Fault(w.t, yaml)
}

// start runs `vaultkeeper run` on the manifests folder and waits until it is ready.
func (w *world) start() {
	w.t.Helper()
	w.launch(filepath.Join(w.dir, "repo"), w.args...)
	w.agent.WaitReady()
	w.addr = w.agent.Addr
}

// launch starts `vaultkeeper run` on source with extra flags, without waiting for it.
func (w *world) launch(source string, extra ...string) {
	w.t.Helper()
	w.agent = harness.Launch(w.t, harness.Options{Source: source, StateDir: w.stateDir, Args: extra})
	w.logFile = w.agent.LogFile
}

// stop ends the agent gracefully if it runs (SIGTERM; on Windows the shutdown request, see
// harness.Agent.Stop).
func (w *world) stop() {
	w.t.Helper()
	if w.agent == nil {
		return
	}
	if err := w.agent.Stop(); err != nil {
		w.t.Errorf("agent: %v", err)
	}
	w.agent = nil
}

// kill ends the agent with SIGKILL, as a crash.
func (w *world) kill() {
	w.agent.Kill()
	w.agent = nil
}

// waitFor polls cond until it holds; while an agent runs, its exit fails the test at once.
func (w *world) waitFor(what string, limit time.Duration, cond func() bool) {
	w.t.Helper()
	if w.agent != nil {
		w.agent.WaitFor(what, limit, cond)
		return
	}
	harness.Poll(w.t, what, limit, cond, func() string {
		log, _ := os.ReadFile(w.logFile)
		return "last agent log:\n" + harness.Tail(string(log), 40)
	})
}

func (w *world) get(kind string, out any) {
	w.t.Helper()
	w.agent.Get(kind, out)
}

func (w *world) metrics() string {
	w.t.Helper()
	return w.agent.Metrics()
}

func (w *world) policy(name string) reconciler.PolicyView {
	var ps []reconciler.PolicyView
	w.get("policies", &ps)
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	w.t.Fatalf("policy %s not served", name)
	return reconciler.PolicyView{}
}

func (w *world) backups() []reconciler.BackupView {
	var bs []reconciler.BackupView
	w.get("backups", &bs)
	return bs
}

func (w *world) events(host string) []events.Record {
	w.t.Helper()
	return w.host(host).Events(w.t)
}

func (w *world) simVerify(host string) simhost.Report {
	w.t.Helper()
	return w.host(host).Verify(w.t)
}

// setFolders lists the entries under <backups>/<server>.
func (w *world) setFolders(server string) []string {
	ents, _ := os.ReadDir(filepath.Join(w.dir, "backups", server))
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// verifiedSet waits for the first verified set in a primary destination and returns it.
func (w *world) verifiedSet() reconciler.BackupView {
	w.t.Helper()
	var set reconciler.BackupView
	w.waitFor("a verified set", 60*time.Second, func() bool {
		for _, b := range w.backups() {
			if b.Verified && !b.Replica {
				set = b
				return true
			}
		}
		return false
	})
	return set
}
