package notify

import (
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/manifests"
)

var at = time.Date(2026, 11, 21, 2, 14, 5, 0, time.FixedZone("CET", 3600))

func TestPayload(t *testing.T) {
	cases := []struct {
		name string
		ev   Event
	}{
		{"backup-failed", Event{Event: manifests.EventBackupFailed, Agent: "aes01", Server: "aes-prod", Policy: "nightly",
			Message: "step export: exp exited 1: EXP-00056: ORA-01017: invalid username/password; logon denied (log: C:\\ProgramData\\vaultkeeper\\logs\\r1.log)", Time: at}},
		{"restore-succeeded", Event{Event: manifests.EventRestoreSucceeded, Agent: "aes02", Server: "aes-staging", Restore: "staging-refresh",
			Message: "set 20261121T020000Z restored and verified", Time: at}},
		{"check-failed", Event{Event: manifests.EventCheckFailed, Agent: "aes01", Server: "aes-prod", Check: "tnsnames",
			Message: "alias AES not found", Time: at}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			b := c.ev.JSON()
			var raw map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"event", "server", "message", "time", "text"} {
				if s, _ := raw[k].(string); s == "" {
					t.Errorf("field %q missing or empty in %s", k, b)
				}
			}
			if raw["time"] != "2026-11-21T01:14:05Z" {
				t.Errorf("time = %v, want RFC 3339 in UTC", raw["time"])
			}
			out.Write(b)
			out.WriteString("\n")
			testtool.Golden(t, filepath.Join("testdata", c.name+".json"), []byte(out.String()))
		})
	}
}

// TestMail: the mail parses as RFC 5322, its subject names the event, server and object,
// and its quoted-printable body carries the whole message however long its lines.
func TestMail(t *testing.T) {
	long := "step export: " + strings.Repeat("ORA-01017 ", 30) + "— ünïcode"
	ev := Event{Event: manifests.EventBackupFailed, Agent: "aes01", Server: "aes-prod", Policy: "nightly", Message: long, Time: at}
	raw := ev.Mail("Vaultkeeper Ägent <vk@corp.example.com>", []string{"ops@corp.example.com", "Admin <admin@corp.example.com>"})
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes, over RFC 5322's 998", i, len(line))
		}
	}
	if strings.Contains(strings.ReplaceAll(string(raw), "\r\n", ""), "\n") {
		t.Error("a bare LF in the mail: lines must end in CRLF")
	}
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != "[vaultkeeper] Backup failed: aes-prod (policy nightly)" {
		t.Errorf("Subject = %q (%v)", subj, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || from[0].Name != "Vaultkeeper Ägent" || from[0].Address != "vk@corp.example.com" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if to, err := m.Header.AddressList("To"); err != nil || len(to) != 2 {
		t.Errorf("To = %v (%v)", to, err)
	}
	if d, err := m.Header.Date(); err != nil || !d.Equal(at) {
		t.Errorf("Date = %v (%v)", d, err)
	}
	if !strings.HasSuffix(m.Header.Get("Message-ID"), "@corp.example.com>") {
		t.Errorf("Message-ID = %q", m.Header.Get("Message-ID"))
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{long, "server:  aes-prod", "policy:  nightly", "agent:   aes01", "time:    2026-11-21T01:14:05Z"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestSignVerify(t *testing.T) {
	secret, body := []byte("s3cret"), []byte(`{"event":"backupFailed"}`)
	sig := Sign(secret, body)
	// The value a receiver computes with any HMAC tool: echo -n BODY | openssl dgst -sha256 -hmac s3cret
	if want := "sha256=cb1fc0e8dcb87d73ea797500728aac4de4c8b424a42abc13c6338f8843d9d65b"; sig != want {
		t.Fatalf("Sign = %s, want %s", sig, want)
	}
	cases := []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"good", secret, body, sig, true},
		{"other secret", []byte("other"), body, sig, false},
		{"body changed", secret, append([]byte(" "), body...), sig, false},
		{"no scheme", secret, body, strings.TrimPrefix(sig, "sha256="), false},
		{"sha1 scheme", secret, body, "sha1=" + strings.TrimPrefix(sig, "sha256="), false},
		{"not hex", secret, body, "sha256=zz", false},
		{"empty", secret, body, "", false},
	}
	for _, c := range cases {
		if got := Verify(c.secret, c.body, c.header); got != c.want {
			t.Errorf("%s: Verify = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://corp.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456": "https://corp.webhook.office.com/…",
		"https://hooks.slack.com/services/T000/B000/XXXX":                           "https://hooks.slack.com/…",
		"http://user:pw@10.0.0.5:8080/hook?token=x":                                 "http://10.0.0.5:8080/…",
		"http://10.0.0.5?token=x":                                                   "http://10.0.0.5/…",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%s) = %s, want %s", in, got, want)
		}
	}
}
