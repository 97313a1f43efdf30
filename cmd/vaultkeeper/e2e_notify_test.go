package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/notify/notifytest"
)

// hungReceiver takes webhook POSTs and never answers until released: the worst receiver.
type hungReceiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     int
	release chan struct{}
	once    sync.Once
}

func newHungReceiver(t *testing.T) *hungReceiver {
	h := &hungReceiver{release: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.got++
		h.mu.Unlock()
		select {
		case <-h.release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { h.unblock(); h.srv.Close() })
	return h
}

func (h *hungReceiver) unblock() { h.once.Do(func() { close(h.release) }) }

func (h *hungReceiver) hits() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got
}

// downURL is a webhook URL nothing listens on: a receiver that is down.
func downURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/hook"
}

// TestE2ENotifications (issue 16, point 5): on altium-sim a failing backup produces a signed
// webhook POST and the restore that follows a mail over STARTTLS with AUTH; a receiver that
// is down and one that never answers delay nothing: the restore succeeds while their first
// message is still being retried, and the agent still stops promptly.
func TestE2ENotifications(t *testing.T) {
	t.Parallel()
	hook := notifytest.NewReceiver(t, "e2e-hmac-key")
	mail := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{User: "vaultkeeper", Password: "e2e-mail-pw"})
	hung := newHungReceiver(t)
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, true)
	secrets := filepath.Join(w.dir, "secrets")
	os.MkdirAll(secrets, 0o700)
	os.WriteFile(filepath.Join(secrets, "hmac"), []byte("e2e-hmac-key\n"), 0o600)
	os.WriteFile(filepath.Join(secrets, "smtp"), []byte("e2e-mail-pw\n"), 0o600)
	notifiers := fmt.Sprintf(`apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: ops-hook}
spec:
  type: webhook
  url: '%s'
  secretRef: {file: '%s'}
  events: [backupFailed]
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: ops-mail}
spec:
  type: smtp
  host: %s
  port: %d
  from: 'vaultkeeper <vaultkeeper@corp.example.com>'
  to: [altium-admins@corp.example.com]
  username: vaultkeeper
  password: {file: '%s'}
  caFile: '%s'
  requireTLS: true
  events: [restoreSucceeded]
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: down}
spec:
  type: webhook
  url: '%s'
  events: [backupFailed, restoreSucceeded]
---
apiVersion: vaultkeeper.io/v1alpha1
kind: Notifier
metadata: {name: hung}
spec:
  type: webhook
  url: '%s'
  events: [backupFailed, restoreSucceeded]
`, hook.URL, filepath.ToSlash(filepath.Join(secrets, "hmac")), mail.Host, mail.Port, filepath.ToSlash(filepath.Join(secrets, "smtp")),
		filepath.ToSlash(mail.CAFile), downURL(t), hung.srv.URL+"/hook")
	if err := os.WriteFile(filepath.Join(w.dir, "repo", "notifiers.yaml"), []byte(notifiers), 0o644); err != nil {
		t.Fatal(err)
	}
	w.fault("aes-prod", "exp:\n  exit: 1\n  count: 1\n")
	w.start()

	// The failed backup: one signed POST with the failed step.
	reqs := hook.WaitRequests(t, 1, 60*time.Second)
	p := reqs[0].Payload
	if !reqs[0].SignatureOK || p["event"] != "backupFailed" || p["server"] != "aes-prod" || p["policy"] != "aes-prod-nightly" ||
		!strings.Contains(p["message"], "step export") || !strings.Contains(p["text"], "Backup failed: aes-prod") {
		t.Errorf("webhook POST: signature ok %v, payload %v", reqs[0].SignatureOK, p)
	}

	// The retry succeeds, and the standing restore brings the set to staging: one mail.
	w.request("policy/aes-prod-nightly")
	mails := mail.WaitMails(t, 1, 120*time.Second)
	m := mails[0]
	if !m.TLS || m.AuthUser != "vaultkeeper" || m.From != "vaultkeeper@corp.example.com" || !strings.Contains(m.Data, "Subject: [vaultkeeper] Restore succeeded: aes-staging (restore staging-refresh)") {
		t.Errorf("mail: TLS %v, user %q, from %q:\n%s", m.TLS, m.AuthUser, m.From, m.Data)
	}
	if r := w.restoreView("staging-refresh"); r.RestoredSet == "" {
		t.Errorf("the mail came before the restore was recorded: %+v", r)
	}
	// The backup and the restore went on while the down and hung receivers' first message
	// (backupFailed, posted before the retry) had not come to an end: still being retried.
	metrics := w.metrics()
	for _, want := range []string{
		`vaultkeeper_notify_deliveries_total{notifier="ops-hook",result="success"} 1`,
		`vaultkeeper_notify_deliveries_total{notifier="down",result="failure"} 0`,
		`vaultkeeper_notify_deliveries_total{notifier="down",result="success"} 0`,
		`vaultkeeper_notify_deliveries_total{notifier="hung",result="failure"} 0`,
		`vaultkeeper_notify_deliveries_total{notifier="hung",result="success"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grep(metrics, "vaultkeeper_notify_"))
		}
	}
	if hung.hits() == 0 {
		t.Error("the hung receiver got no POST: the test shows nothing")
	}
	if log := w.agent.Log(); !strings.Contains(log, "notification attempt failed; retrying") || !strings.Contains(log, "notifier=down") {
		t.Errorf("the agent's log does not show the down receiver's failed attempts:\n%s", grep(log, "notif"))
	}
	// Stopping drains for a bounded time (package notify's tests hold a receiver past it):
	// the queued messages get a last attempt, and the agent exits.
	hung.unblock()
	w.stop()
}
