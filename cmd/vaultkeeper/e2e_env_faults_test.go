package main

import (
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state"
)

// Faults of the agent's surroundings rather than of a tool: the git remote, the state dir.

func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestE2EGitRemoteUnreachable: the agent follows a git remote served by git http-backend;
// the server goes away (the port is closed). The source turns not ready, sync errors are
// counted in status and metrics, and the last good revision stays in force.
func TestE2EGitRemoteUnreachable(t *testing.T) {
	t.Parallel()
	gitBackend := filepath.Join(strings.TrimSpace(gitExecPath(t)), "git-http-backend")
	if _, err := os.Stat(gitBackend); err != nil {
		t.Skipf("no git http-backend: %v", err)
	}
	w := newWorld(t, []string{"aes-prod"}, false)
	repo := filepath.Join(w.dir, "repo")
	gitCmd(t, repo, "init", "-q", "-b", "main")
	gitCmd(t, repo, "add", ".")
	gitCmd(t, repo, "commit", "-q", "-m", "manifests")
	rev := gitCmd(t, repo, "rev-parse", "HEAD")
	srv := filepath.Join(w.dir, "srv")
	os.MkdirAll(srv, 0o755)
	gitCmd(t, w.dir, "clone", "-q", "--bare", repo, filepath.Join(srv, "manifests.git"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: &cgi.Handler{Path: gitBackend, Env: []string{"GIT_PROJECT_ROOT=" + srv, "GIT_HTTP_EXPORT_ALL=1"}}}
	go hs.Serve(ln)
	defer hs.Close()
	w.launch("http://"+ln.Addr().String()+"/manifests.git", "--interval", "1s")
	w.agent.WaitReady() // a revision is applied
	var src state.Source
	w.get("source", &src)
	if !strings.Contains(src.LastApplied, rev) && !strings.Contains(rev, src.LastApplied) {
		t.Errorf("applied %q, want the remote's %s", src.LastApplied, rev)
	}
	applied := src.LastApplied

	hs.Close() // closes the listener: the port is closed from now on
	w.waitFor("the source not ready", 60*time.Second, func() bool {
		w.get("source", &src)
		return !src.Ready && src.SyncErrors > 0
	})
	m := w.metrics()
	n, _ := strconv.ParseFloat(metricValue(m, "vaultkeeper_source_sync_errors_total"), 64)
	if n < 1 {
		t.Errorf("vaultkeeper_source_sync_errors_total = %v:\n%s", n, grep(m, "source_"))
	}
	if src.LastApplied != applied {
		t.Errorf("last applied revision moved from %s to %s", applied, src.LastApplied)
	}
	if len(w.policiesServed()) != 1 {
		t.Error("the last good revision is not in force")
	}
	if src.Reason == "" {
		t.Errorf("source status gives no reason: %+v", src)
	}
	t.Logf("source while the remote is gone: ready=%v reason=%s errors=%d", src.Ready, src.Reason, src.SyncErrors)
}

func gitExecPath(t *testing.T) string {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git: %v", err)
	}
	return string(out)
}

// TestE2EReadOnlyStateDir: the agent refuses to start on a state dir it cannot write, with a
// message that names the folder (state.TestReadOnlyStateDir holds the store to the same).
func TestE2EReadOnlyStateDir(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	os.MkdirAll(w.stateDir, 0o700)
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", w.stateDir).CombinedOutput(); err != nil {
			t.Skipf("root without chattr +i: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", w.stateDir).Run() })
	} else {
		os.Chmod(w.stateDir, 0o500)
		t.Cleanup(func() { os.Chmod(w.stateDir, 0o700) })
	}
	w.launch(filepath.Join(w.dir, "repo"))
	err, exited := w.agent.Exited(20 * time.Second)
	if !exited {
		t.Fatal("the agent runs on a read-only state dir")
	}
	log, _ := os.ReadFile(w.logFile)
	if err == nil {
		t.Errorf("the agent exited 0 on a read-only state dir:\n%s", log)
	}
	said := strings.ToLower(string(log))
	clear := false
	for _, why := range []string{"not writable", "permission denied", "operation not permitted", "read-only"} {
		clear = clear || strings.Contains(said, why)
	}
	if !strings.Contains(string(log), w.stateDir) || !clear {
		t.Errorf("the message does not say the state dir is not writable:\n%s", log)
	}
	t.Logf("agent said: %s", strings.TrimSpace(string(log)))
	for _, e := range w.events("aes-prod") {
		t.Errorf("the agent ran %s before refusing", e.Tool)
	}
}
