package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

// binDir holds the vaultkeeper and altium-sim binaries built once for the e2e tests.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vaultkeeper-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	// Prebuilt binaries (the Wine pass has no Go toolchain): VAULTKEEPER_TEST_BIN_DIR.
	if pre := os.Getenv("VAULTKEEPER_TEST_BIN_DIR"); pre != "" {
		binDir = pre
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	for pkg, name := range map[string]string{".": "vaultkeeper", "../altium-sim": "altium-sim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, exeName(name)), pkg).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// exeName is a program's file name on this system (.exe on Windows).
func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// world is a simulated site: altium-sim hosts, a manifests folder, and the real agent binary.
type world struct {
	t        *testing.T
	dir      string
	hosts    map[string]string
	stateDir string
	addr     string
	agent    *exec.Cmd
	logFile  string
	waited   chan error
}

// newWorld creates the hosts (with faults.yaml content per host, may be empty) and the
// manifests; initArgs are added to every host's `altium-sim init` (e.g. --oracle-version).
func newWorld(t *testing.T, names []string, restore bool, initArgs ...string) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), hosts: map[string]string{}}
	w.stateDir = filepath.Join(w.dir, "state")
	var hosts []demoHost
	for _, name := range names {
		root := filepath.Join(w.dir, "hosts", name)
		out, err := exec.Command(filepath.Join(binDir, exeName("altium-sim")), append([]string{"init", "--root", root, "--db-host", "127.0.0.1",
			"--files", "30", "--tables", "4", "--rows", "50"}, initArgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("altium-sim init: %v\n%s", err, out)
		}
		w.hosts[name] = root
		hosts = append(hosts, demoHost{Name: name, Root: filepath.ToSlash(root), DBLocation: "127.0.0.1:1521", AllowRestore: name == "aes-staging"})
	}
	for _, d := range []string{"backups", "nas"} {
		os.MkdirAll(filepath.Join(w.dir, d), 0o750)
	}
	if err := writeDemoManifests(filepath.Join(w.dir, "repo"), w.dir, hosts, restore); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.stop)
	return w
}

// fault writes a host's faults.yaml.
func (w *world) fault(host, yaml string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.hosts[host], "faults.yaml"), []byte(yaml), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs `vaultkeeper run` on the manifests folder.
func (w *world) start() {
	w.t.Helper()
	w.addr = freePort(w.t)
	w.logFile = filepath.Join(w.dir, fmt.Sprintf("agent-%d.log", time.Now().UnixNano()))
	lf, err := os.Create(w.logFile)
	if err != nil {
		w.t.Fatal(err)
	}
	w.agent = exec.Command(filepath.Join(binDir, exeName("vaultkeeper")), "run", "--source", filepath.Join(w.dir, "repo"), "--agent", "demo",
		"--state-dir", w.stateDir, "--listen", w.addr, "--interval", "1h", "--shutdown-timeout", "30s")
	w.agent.Stdout, w.agent.Stderr = lf, lf
	if err := w.agent.Start(); err != nil {
		w.t.Fatal(err)
	}
	w.waited = make(chan error, 1)
	go func() { w.waited <- w.agent.Wait(); lf.Close() }()
	w.waitFor("agent ready", 20*time.Second, func() bool {
		resp, err := http.Get("http://" + w.addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
}

// stop ends the agent gracefully if it runs: SIGTERM, or on Windows (no SIGTERM; Wine cannot
// deliver console control events) the authenticated shutdown request.
func (w *world) stop() {
	if w.agent == nil {
		return
	}
	w.requestStop()
	select {
	case <-w.waited:
	case <-time.After(40 * time.Second):
		w.agent.Process.Kill()
		<-w.waited
		w.t.Errorf("agent did not stop within 40s of SIGTERM")
	}
	w.agent = nil
}

// requestStop asks the agent to shut down gracefully (see stop).
func (w *world) requestStop() {
	if runtime.GOOS != "windows" {
		w.agent.Process.Signal(syscall.SIGTERM)
		return
	}
	token, err := os.ReadFile(filepath.Join(w.stateDir, "api-token"))
	if err != nil {
		w.t.Errorf("shutdown request: %v", err)
		return
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+w.addr+"/api/v1/shutdown", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Errorf("shutdown request: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		w.t.Errorf("shutdown request: %s", resp.Status)
	}
}

// kill ends the agent with SIGKILL, as a crash.
func (w *world) kill() {
	w.agent.Process.Kill()
	<-w.waited
	w.agent = nil
}

func (w *world) waitFor(what string, limit time.Duration, cond func() bool) {
	w.t.Helper()
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(w.logFile)
	w.t.Fatalf("timed out after %s waiting for %s; agent log:\n%s", limit, what, tail(string(log), 40))
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (w *world) get(kind string, out any) {
	w.t.Helper()
	resp, err := http.Get("http://" + w.addr + "/api/v1/" + kind)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) metrics() string {
	resp, err := http.Get("http://" + w.addr + "/metrics")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
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

// simEvent is one line of altium-sim's events.jsonl.
type simEvent struct {
	Phase          string   `json:"phase"`
	Tool           string   `json:"tool"`
	Argv           []string `json:"argv"`
	StartMono      int64    `json:"startMono"`
	EndMono        int64    `json:"endMono"`
	Exit           int      `json:"exit"`
	PasswordInArgv bool     `json:"passwordInArgv"`
}

func (w *world) events(host string) []simEvent {
	w.t.Helper()
	f, err := os.Open(filepath.Join(w.hosts[host], "events.jsonl"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	var out []simEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e simEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			w.t.Fatalf("events.jsonl: %v", err)
		}
		out = append(out, e)
	}
	return out
}

// simVerify is altium-sim verify's answer.
type simVerify struct {
	Consistent      bool     `json:"consistent"`
	FilesGeneration int64    `json:"filesGeneration"`
	DBGeneration    int64    `json:"dbGeneration"`
	IISRunning      bool     `json:"iisRunning"`
	Problems        []string `json:"problems"`
}

func (w *world) simVerify(host string) simVerify {
	w.t.Helper()
	out, _ := exec.CommandContext(context.Background(), filepath.Join(binDir, exeName("altium-sim")), "verify", "--root", w.hosts[host], "-o", "json").Output()
	var v simVerify
	if err := json.Unmarshal(out, &v); err != nil {
		w.t.Fatalf("altium-sim verify: %v: %s", err, out)
	}
	return v
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
