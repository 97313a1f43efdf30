package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
)

// TestE2EParfilesInStateDir: exp gets its parfile from the state dir's private parfiles/
// folder, a parfile left there by a killed agent is gone after the next start, and nothing
// is left once the backup is done.
func TestE2EParfilesInStateDir(t *testing.T) {
	w := newWorld(t, []string{"aes-prod"}, false)
	parfiles := filepath.Join(w.stateDir, "parfiles")
	leftover := filepath.Join(parfiles, "vaultkeeper-parfile-1", "dump.par")
	if err := os.MkdirAll(filepath.Dir(leftover), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(leftover, []byte("userid=\"AESUSER313/left0ver@XE\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.start()
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("the leftover parfile survived the start: %v", err)
	}
	w.waitFor("a verified set", 60*time.Second, func() bool {
		for _, b := range w.backups() {
			if b.Verified && !b.Replica {
				return true
			}
		}
		return false
	})
	used := false
	for _, e := range w.events("aes-prod") {
		for _, a := range e.Argv {
			used = used || strings.HasPrefix(filepath.FromSlash(strings.TrimPrefix(a, "parfile=")), parfiles+string(filepath.Separator)) && strings.HasPrefix(a, "parfile=")
		}
	}
	if !used {
		t.Errorf("exp did not read its parfile from %s", parfiles)
	}
	entries, err := os.ReadDir(parfiles)
	if err != nil || len(entries) != 0 {
		t.Errorf("parfiles left after the backup: %v, %v", entries, err)
	}
}

// TestE2EAPIBeyondLoopback: a non-loopback --listen without TLS is refused with the reason;
// with --insecure-api every API read needs the token, which `vaultkeeper get` sends.
func TestE2EAPIBeyondLoopback(t *testing.T) {
	w := newWorld(t, []string{"aes-prod"}, false)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, harness.Binary(t, harness.Vaultkeeper), "run", "--source", filepath.Join(w.dir, "repo"),
		"--agent", "demo", "--state-dir", w.stateDir, "--interval", "1h", "--listen", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not a loopback address") || !strings.Contains(string(out), "--insecure-api") {
		t.Fatalf("plain HTTP beyond loopback: %v\n%s", err, out)
	}

	// Every interface, on the port the system picks (the harness reads it from listen-addr
	// and reaches it on 127.0.0.1).
	agent := harness.Start(t, harness.Options{Source: filepath.Join(w.dir, "repo"), StateDir: w.stateDir,
		Args: []string{"--listen", "0.0.0.0:0", "--insecure-api", "--metrics-listen", "127.0.0.1:0"}})
	addr := agent.Addr
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/api/v1/servers"); got != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/servers without the token: %d, want 401", got)
	}
	get := exec.CommandContext(ctx, harness.Binary(t, harness.Vaultkeeper), "get", "servers", "--addr", addr, "--state-dir", w.stateDir, "-o", "json")
	if out, err := get.CombinedOutput(); err != nil || !strings.Contains(string(out), "aes-prod") {
		t.Errorf("vaultkeeper get servers with the token: %v\n%s", err, out)
	}
	if !strings.Contains(agent.Log(), "plain HTTP") {
		t.Errorf("no warning about --insecure-api in the log:\n%s", agent.Log())
	}
}
