//go:build windows

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestE2EServiceLifecycle: service install (with run flags beyond --source and --agent) →
// start → stop → uninstall against the service manager, each subcommand idempotent and
// saying what it did, the service's log in the state dir (issue 18).
func TestE2EServiceLifecycle(t *testing.T) {
	// It installs and removes the service named vaultkeeper: never on a host that may run the
	// real one. make wine sets this in its own Wine prefix.
	if os.Getenv("VAULTKEEPER_TEST_SERVICE") != "1" {
		t.Skip("installs and uninstalls the vaultkeeper service: only with VAULTKEEPER_TEST_SERVICE=1 (make wine sets it in its Wine prefix)")
	}
	w := newWorld(t, []string{"aes-prod"}, false)
	vk := harness.Binary(t, harness.Vaultkeeper)
	svc := func(want string, args ...string) {
		t.Helper()
		out, err := exec.Command(vk, append([]string{"service"}, args...)...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			log, _ := os.ReadFile(filepath.Join(w.stateDir, "vaultkeeper.log"))
			t.Fatalf("vaultkeeper service %s: %v\n%s\nwant it to say %q; service log:\n%s", strings.Join(args, " "), err, out, want, harness.Tail(string(log), 30))
		}
	}
	// Never leave the service behind: the service manager would start it at every boot.
	t.Cleanup(func() { _ = exec.Command(vk, "service", "uninstall").Run() })
	svc("", "uninstall") // a leftover of an earlier interrupted run
	install := []string{"install", "--source", filepath.Join(w.dir, "repo"), "--agent", "demo", "--state-dir", w.stateDir,
		"--listen", "127.0.0.1:0", "--interval", "1h", "--shutdown-timeout", "30s", "--log-json"}
	svc("installed", install...)
	svc("already installed with these flags", install...)
	svc("started", "start")
	// The service's agent listens on the port the system gave it and writes it to listen-addr.
	w.waitFor("the service's agent ready", time.Minute, func() bool {
		addr, err := state.ListenAddr(w.stateDir)
		if err != nil {
			return false
		}
		w.addr = addr
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	svc("already running", "start")
	svc("stopped", "stop")
	svc("already stopped", "stop")
	log, err := os.ReadFile(filepath.Join(w.stateDir, "vaultkeeper.log"))
	if err != nil || !strings.Contains(string(log), `"msg":"agent started"`) || !strings.Contains(string(log), `"msg":"agent stopped"`) {
		t.Errorf("service log in the state dir (JSON, as --log-json asked): %v\n%s", err, harness.Tail(string(log), 20))
	}
	svc("uninstalled", "uninstall")
	svc("not installed", "uninstall")
}
