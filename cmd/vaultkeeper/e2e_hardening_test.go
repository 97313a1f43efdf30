package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	run := func(ctx context.Context, extra ...string) *exec.Cmd {
		return exec.CommandContext(ctx, filepath.Join(binDir, "vaultkeeper"), append([]string{"run", "--source", filepath.Join(w.dir, "repo"),
			"--agent", "demo", "--state-dir", w.stateDir, "--interval", "1h"}, extra...)...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := run(ctx, "--listen", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not a loopback address") || !strings.Contains(string(out), "--insecure-api") {
		t.Fatalf("plain HTTP beyond loopback: %v\n%s", err, out)
	}

	_, port, _ := net.SplitHostPort(freePort(t))
	var logs bytes.Buffer
	agent := run(ctx, "--listen", "0.0.0.0:"+port, "--insecure-api", "--metrics-listen", "127.0.0.1:0")
	agent.Stdout, agent.Stderr = &logs, &logs
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { agent.Process.Kill(); agent.Wait() }()
	addr := "127.0.0.1:" + port
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for end := time.Now().Add(20 * time.Second); status("/readyz") != 200; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("agent not ready:\n%s", logs.String())
		}
	}
	if got := status("/api/v1/servers"); got != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/servers without the token: %d, want 401", got)
	}
	get := exec.CommandContext(ctx, filepath.Join(binDir, "vaultkeeper"), "get", "servers", "--addr", addr, "--state-dir", w.stateDir, "-o", "json")
	if out, err := get.CombinedOutput(); err != nil || !strings.Contains(string(out), "aes-prod") {
		t.Errorf("vaultkeeper get servers with the token: %v\n%s", err, out)
	}
	if !strings.Contains(logs.String(), "plain HTTP") {
		t.Errorf("no warning about --insecure-api in the log:\n%s", logs.String())
	}
}
