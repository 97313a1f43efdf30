package reconciler

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// sim is an agent driven step by step by a fake clock, on fake hosts: instead of Run's
// timers, each step sets the clock, runs the planning round and waits for the workers, and
// repeats until nothing is due at that instant (what Run does when a worker's Kick wakes it).
type sim struct {
	t     *testing.T
	ctx   context.Context
	root  string
	clock *fakeClock
	hosts *fakeHosts
	src   *fakeSource
	store *state.Store
	keys  *catalog.Keyring // the agent's generated set key
	a     *Agent
	logs  *lockedBuffer
}

// lockedBuffer collects the agent's warnings and errors.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.b.String()), "\n")
}

// simDir is a scratch folder on tmpfs when there is one: the state store and the catalog
// fsync every write, and the month writes thousands of files.
func simDir(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "linux" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			if d, err := os.MkdirTemp("/dev/shm", "vk-sim-"); err == nil {
				t.Cleanup(func() { os.RemoveAll(d) })
				return d
			}
		}
	}
	return t.TempDir()
}

// simServer is the manifest of a simulated server name (its files under @ROOT@/hosts/name,
// its Oracle database the LocalVault alias database), open to restores with allowRestore:
// the Server document the simulations' manifests share.
func simServer(name, database string, allowRestore bool) string {
	allow := ""
	if allowRestore {
		allow = "  allowRestore: true\n"
	}
	return strings.NewReplacer("@NAME@", name, "@DB@", database, "@ALLOW@", allow).Replace(`apiVersion: vaultkeeper.io/v1alpha1
kind: Server
metadata: {name: @NAME@}
spec:
  agent: sim
@ALLOW@  installDir: '@ROOT@/hosts/@NAME@'
  iis: {site: Altium365, stop: [net, stop, WAS, /y], start: [net, start, W3SVC]}
  oracle:
    tnsnames: '@ROOT@/hosts/@NAME@/tnsnames.ora'
    schema: AESUSER313
    schemaPassword: {env: VK_SIM_SCHEMA_PASSWORD}
    admin: {driver: sqlplus, sqlplus: '@ROOT@/hosts/@NAME@/bin/sqlplus'}
    dump: {tool: exp, bin: '@ROOT@/hosts/@NAME@/bin'}
  expect: {domain: CORP, websiteDomain: aes.corp.example.com, dbLocation: '127.0.0.1:1', databaseName: @DB@}
  checkInterval: 24h
`)
}

// newSim writes manifests (with @ROOT@ replaced by the scratch folder) into a source
// folder, opens a state store and starts an agent at the clock's time.
func newSim(t *testing.T, manifests string, at time.Time) *sim {
	t.Helper()
	root := simDir(t)
	repo := filepath.Join(root, "repo")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	// Paths in the manifests are written with '/' after @ROOT@; they become this system's
	// paths, as an admin would write them (on Windows, '\\' throughout).
	text := regexp.MustCompile(`@ROOT@[^'"\s,\]]*`).ReplaceAllStringFunc(manifests, func(p string) string {
		return filepath.FromSlash(root + strings.TrimPrefix(p, "@ROOT@"))
	})
	if err := os.WriteFile(filepath.Join(repo, "altium.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// The destination roots and replicas exist, as an admin mounts them: the preflight never
	// creates a destination root.
	for _, m := range regexp.MustCompile(`(?:destination: |copies: \[)'@ROOT@([^']*)'`).FindAllStringSubmatch(manifests, -1) {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(m[1])), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	store, err := state.Open(filepath.Join(root, "state"))
	if err != nil {
		t.Fatal(err)
	}
	// A shorter run history keeps status.json, which the store clones and rewrites on every
	// change, small: the month makes over 1,500 runs.
	store.HistoryPerObject = 1
	keys, err := setsig.LoadOrCreate(store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: at}
	// Journal and condition times follow the simulated clock too.
	store.Now = clock.Now
	s := &sim{t: t, ctx: context.Background(), root: root, clock: clock, hosts: newFakeHosts(clock),
		src: &fakeSource{dir: repo}, store: store, keys: keys, logs: &lockedBuffer{}}
	s.start()
	return s
}

// start starts a fresh agent on the same store, source and hosts, the way Run begins:
// the last good revision, crash recovery, a first sync. The previous agent, if any, must
// be idle (every step waits for its workers).
func (s *sim) start() {
	s.t.Helper()
	if err := s.restart(); err != nil {
		s.t.Fatalf("recover: %v", err)
	}
}

// restart is start that returns crash recovery's error instead of failing the test.
func (s *sim) restart() error {
	s.t.Helper()
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s.a = New(Options{Agent: "sim", Source: s.src, Store: s.store, Log: log, Now: s.clock.Now, Hosts: s.hosts, Version: "sim", SetKeys: s.keys})
	s.a.loadLastGood()
	s.installDirs()
	rerr := s.a.recover(s.ctx)
	s.a.sync(s.ctx)
	if st := s.store.Snapshot(); !st.Source.Ready {
		s.t.Fatalf("source not applied: %s %v", st.Source.Reason, st.Source.Errors)
	}
	s.installDirs()
	return rerr
}

// installDirs creates the install dirs of the revision in force: they hold the servers'
// leases and restore records (issue 14).
func (s *sim) installDirs() {
	s.t.Helper()
	for _, srv := range s.a.desired.Servers {
		if err := os.MkdirAll(srv.Spec.InstallDir, 0o755); err != nil {
			s.t.Fatal(err)
		}
	}
}

// step moves the clock to at and lets the agent do everything due then: a planning round
// starts the workers, and each worker's Kick at its end asks for another round at the same
// instant, as in Run. A round that starts no worker ends the step.
func (s *sim) step(at time.Time) {
	s.t.Helper()
	s.clock.Set(at)
	for round := 0; ; round++ {
		select {
		case <-s.a.kick:
		default:
		}
		s.a.schedule(s.ctx)
		s.a.wg.Wait()
		select {
		case <-s.a.kick:
		default:
			return
		}
		if round == 3 {
			s.t.Fatalf("%s: still working after %d planning rounds (a burst): %+v", at.Format(time.RFC3339), round+1, s.a.Plan(at).Actions)
		}
	}
}

// problems returns the agent's warnings and errors, leaving out the integrity checks (the
// fake hosts have no LocalVault.ini or tnsnames.ora: those checks fail by design).
func (s *sim) problems() []string {
	var out []string
	for _, l := range s.logs.Lines() {
		if l == "" || strings.Contains(l, "kind=checks") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// openFDs counts this process's open file descriptors (Linux), or -1.
func openFDs() int {
	if runtime.GOOS != "linux" {
		return -1 // under Wine /proc/self/fd is Wine's own descriptors, not the handles
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// checkNoLeaks compares goroutines and descriptors with a baseline taken before the agent
// started, waiting briefly for goroutines that are on their way out.
func checkNoLeaks(t *testing.T, goroutines, fds int) {
	t.Helper()
	const slack = 2
	deadline := time.Now().Add(2 * time.Second)
	n := runtime.NumGoroutine()
	for n > goroutines+slack && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > goroutines+slack {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("goroutines: %d before, %d after\n%s", goroutines, n, buf)
	}
	if fds < 0 {
		t.Log("no /proc/self/fd: descriptor count not checked")
		return
	}
	if after := openFDs(); after > fds+slack {
		t.Errorf("file descriptors: %d before, %d after", fds, after)
	}
}

// catalogMatchesDisk: the catalog the agent updated in place after each publish, prune and
// verification holds what a fresh scan of the destinations finds.
func (s *sim) catalogMatchesDisk() {
	s.t.Helper()
	s.a.mu.Lock()
	got, roots := s.a.cat, view.Roots(s.a.desired, s.a.all)
	s.a.mu.Unlock()
	want, _, err := catalog.Scan(s.ctx, roots)
	if err != nil {
		s.t.Fatal(err)
	}
	if !slices.Equal(got.Keys(), want.Keys()) {
		s.t.Fatalf("catalog keys %v, on disk %v", got.Keys(), want.Keys())
	}
	for _, k := range want.Keys() {
		g, w := got.Sets(k.Server, k.Policy), want.Sets(k.Server, k.Policy)
		if !reflect.DeepEqual(g, w) {
			s.t.Errorf("%v: the agent's catalog (%d sets) differs from the destinations (%d sets)", k, len(g), len(w))
		}
	}
}
