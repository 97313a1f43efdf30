package notify

import (
	"context"
	"net"
	"net/smtp"

	"strings"
	"testing"
	"time"
)

// TestNoCredentialsInPlainText: a server that is not on loopback and offers no STARTTLS
// never sees the credentials (what net/smtp's PlainAuth also refuses).
func TestNoCredentialsInPlainText(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	seen := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var all strings.Builder
		buf := make([]byte, 4096)
		c.Write([]byte("220 mail.example.com ESMTP\r\n"))
		for {
			n, err := c.Read(buf)
			if err != nil {
				break
			}
			line := string(buf[:n])
			all.WriteString(line)
			switch {
			case strings.HasPrefix(line, "EHLO"):
				c.Write([]byte("250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n"))
			case strings.HasPrefix(line, "QUIT"):
				c.Write([]byte("221 bye\r\n"))
			default:
				c.Write([]byte("250 ok\r\n"))
			}
		}
		seen <- all.String()
	}()
	cfg := smtpConfig{host: "mail.example.com", port: 25, from: "vk@example.com", to: []string{"ops@example.com"},
		username: "vk", password: "secret-pw", helo: "agent",
		dial: func(ctx context.Context, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", ln.Addr().String())
		}}
	err = sendMail(context.Background(), cfg, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !IsPermanent(err) || !strings.Contains(err.Error(), "refusing to send credentials") {
		t.Fatalf("err = %v, want a permanent refusal to send credentials", err)
	}
	if got := <-seen; strings.Contains(got, "AUTH") || strings.Contains(got, "MAIL") {
		t.Errorf("the server saw:\n%s", got)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.0.0.2": true,
		"10.0.0.1": false, "mail.corp.example.com": false, "localhost.corp.example.com": false} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%s) = %v", host, got)
		}
	}
}

// TestLoginAuth: AUTH LOGIN answers the server's challenges and, like net/smtp's PlainAuth,
// refuses to start over plain text off loopback or for another host.
func TestLoginAuth(t *testing.T) {
	a := &loginAuth{user: "vk", pass: "pw", host: "mail.example.com"}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com", TLS: false}); err == nil {
		t.Error("AUTH LOGIN started over plain text to a remote server")
	}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "other.example.com", TLS: true}); err == nil {
		t.Error("AUTH LOGIN started for another host")
	}
	if mech, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example.com", TLS: true}); err != nil || mech != "LOGIN" {
		t.Errorf("Start over TLS = %q, %v", mech, err)
	}
	for ch, want := range map[string]string{"Username:": "vk", "Password:": "pw", "User Name\x00": "vk"} {
		if got, err := a.Next([]byte(ch), true); err != nil || string(got) != want {
			t.Errorf("Next(%q) = %q, %v; want %q", ch, got, err, want)
		}
	}
	if _, err := a.Next([]byte("Token:"), true); err == nil {
		t.Error("an unknown challenge was answered")
	}
}
