package notify_test

import (
	"io"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify/notifytest"
)

func smtpNotifier(srv *notifytest.SMTPServer, mod func(*manifests.NotifierSpec)) *manifests.Notifier {
	n := &manifests.Notifier{Metadata: manifests.ObjectMeta{Name: "mail"}}
	n.Spec = manifests.NotifierSpec{Type: manifests.NotifierSMTP, Host: srv.Host, Port: srv.Port, CAFile: srv.CAFile,
		From: "vaultkeeper <vk@corp.example.com>", To: []string{"ops@corp.example.com", "dba@corp.example.com"},
		Events: []string{manifests.EventRestoreSucceeded, manifests.EventBackupFailed}}
	if mod != nil {
		mod(&n.Spec)
	}
	return n
}

// TestSMTP delivers to a local SMTP server: STARTTLS with the test's certificate (trusted
// through caFile), AUTH PLAIN with a password from a file, and the server's refusals.
func TestSMTP(t *testing.T) {
	pwFile := t.TempDir() + "/smtp-password"
	if err := os.WriteFile(pwFile, []byte("mail-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		server     notifytest.SMTPOptions
		spec       func(*manifests.NotifierSpec)
		wantResult string
		wantMails  int
		wantTLS    bool
		wantUser   string
	}{
		{name: "starttls and auth", server: notifytest.SMTPOptions{User: "vk", Password: "mail-pw"},
			spec: func(s *manifests.NotifierSpec) {
				s.Username, s.Password = "vk", manifests.SecretRef{File: pwFile}
			}, wantResult: notify.ResultSuccess, wantMails: 1, wantTLS: true, wantUser: "vk"},
		{name: "AUTH LOGIN only (Exchange)", server: notifytest.SMTPOptions{User: "vk", Password: "mail-pw", Mechs: []string{"NTLM", "LOGIN"}},
			spec: func(s *manifests.NotifierSpec) {
				s.Username, s.Password = "vk", manifests.SecretRef{File: pwFile}
			}, wantResult: notify.ResultSuccess, wantMails: 1, wantTLS: true, wantUser: "vk"},
		{name: "no mechanism vaultkeeper speaks", server: notifytest.SMTPOptions{User: "vk", Password: "mail-pw", Mechs: []string{"XOAUTH2"}},
			spec: func(s *manifests.NotifierSpec) {
				s.Username, s.Password = "vk", manifests.SecretRef{File: pwFile}
			}, wantResult: notify.ResultFailure},
		{name: "starttls without auth", wantResult: notify.ResultSuccess, wantMails: 1, wantTLS: true},
		{name: "no starttls offered: plain text", server: notifytest.SMTPOptions{NoSTARTTLS: true},
			wantResult: notify.ResultSuccess, wantMails: 1},
		{name: "no starttls offered, requireTLS", server: notifytest.SMTPOptions{NoSTARTTLS: true},
			spec: func(s *manifests.NotifierSpec) { s.RequireTLS = true }, wantResult: notify.ResultFailure},
		{name: "auth over plain text to loopback", server: notifytest.SMTPOptions{NoSTARTTLS: true, User: "vk", Password: "mail-pw"},
			spec: func(s *manifests.NotifierSpec) {
				s.Username, s.Password = "vk", manifests.SecretRef{File: pwFile}
			}, wantResult: notify.ResultSuccess, wantMails: 1, wantUser: "vk"},
		{name: "wrong password", server: notifytest.SMTPOptions{User: "vk", Password: "other"},
			spec: func(s *manifests.NotifierSpec) {
				s.Username, s.Password = "vk", manifests.SecretRef{File: pwFile}
			}, wantResult: notify.ResultFailure},
		{name: "greylisted twice, then taken", server: notifytest.SMTPOptions{TempFail: 2},
			wantResult: notify.ResultSuccess, wantMails: 1, wantTLS: true},
		{name: "recipient refused", server: notifytest.SMTPOptions{RejectRcpt: true}, wantResult: notify.ResultFailure},
		{name: "certificate not trusted", spec: func(s *manifests.NotifierSpec) { s.CAFile = "" }, wantResult: notify.ResultFailure},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := notifytest.NewSMTPServer(t, c.server)
			d, reg := newDispatcher(t, notify.Options{})
			d.Configure([]*manifests.Notifier{smtpNotifier(srv, c.spec)})
			d.Publish(notify.Event{Event: manifests.EventRestoreSucceeded, Server: "aes-staging", Restore: "staging-refresh",
				Message: "set 20261121T020000Z restored and verified"})
			waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "mail", c.wantResult, 1)
			mails := srv.Mails()
			if len(mails) != c.wantMails {
				t.Fatalf("%d mails, want %d", len(mails), c.wantMails)
			}
			if c.wantMails == 0 {
				return
			}
			m := mails[0]
			if m.TLS != c.wantTLS || m.AuthUser != c.wantUser || m.From != "vk@corp.example.com" || strings.Join(m.To, ",") != "ops@corp.example.com,dba@corp.example.com" {
				t.Errorf("mail envelope: TLS %v, user %q, from %q, to %v", m.TLS, m.AuthUser, m.From, m.To)
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if msg.Header.Get("Subject") != "[vaultkeeper] Restore succeeded: aes-staging (restore staging-refresh)" ||
				!strings.Contains(string(body), "set 20261121T020000Z restored and verified") {
				t.Errorf("mail:\n%s", m.Data)
			}
		})
	}
}
