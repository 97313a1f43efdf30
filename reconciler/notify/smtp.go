package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// smtpConfig is what one mail delivery needs, resolved from a NotifierSpec.
type smtpConfig struct {
	host       string
	port       int
	from       string
	to         []string
	username   string
	password   string
	roots      *x509.CertPool // nil: the system's
	requireTLS bool
	helo       string
	// dial connects (default net.Dialer); tests reach a local server under another name.
	dial func(ctx context.Context, addr string) (net.Conn, error)
}

// resolveSMTP reads the password and the CA file of s (each delivery reads them again, so a
// rotated password or certificate needs no restart).
func resolveSMTP(s *manifests.NotifierSpec) (smtpConfig, error) {
	c := smtpConfig{host: s.Host, port: s.Port, from: s.From, to: s.To, username: s.Username, requireTLS: s.RequireTLS, helo: heloName()}
	if c.port == 0 {
		c.port = manifests.DefaultSMTPPort
	}
	if s.Username != "" {
		pw, err := s.Password.Resolve()
		if err != nil {
			return c, permanent(fmt.Errorf("smtp password: %w", err))
		}
		c.password = pw
	}
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return c, permanent(fmt.Errorf("smtp caFile: %w", err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return c, permanent(fmt.Errorf("smtp caFile %s: no PEM certificate in it", s.CAFile))
		}
		c.roots = pool
	}
	return c, nil
}

// heloName is the name the agent greets the server with: the host's name, as a server may
// refuse "localhost" (net/smtp's default).
func heloName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

// isLoopback reports whether host is the loopback address or localhost, where credentials
// may go without TLS (net/smtp's PlainAuth allows the same).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sendMail delivers msg: connect, EHLO, STARTTLS when offered (required with requireTLS),
// AUTH PLAIN only over TLS or to loopback, MAIL, RCPT, DATA, QUIT. ctx bounds the whole
// conversation.
func sendMail(ctx context.Context, c smtpConfig, msg []byte) (err error) {
	addr := net.JoinHostPort(c.host, strconv.Itoa(c.port))
	defer func() {
		if err != nil {
			err = classifySMTP(fmt.Errorf("smtp %s: %w", addr, err))
		}
	}()
	dial := c.dial
	if dial == nil {
		var d net.Dialer
		dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	conn, err := dial(ctx, addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // a cancelled or late delivery ends at once
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, c.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer cl.Close()
	if err := cl.Hello(c.helo); err != nil {
		return err
	}
	secure := false
	if ok, _ := cl.Extension("STARTTLS"); ok {
		if err := cl.StartTLS(&tls.Config{ServerName: c.host, RootCAs: c.roots, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
		secure = true
	} else if c.requireTLS {
		return permanent(errors.New("the server does not offer STARTTLS and requireTLS is set"))
	}
	if c.username != "" {
		if !secure && !isLoopback(c.host) {
			return permanent(errors.New("refusing to send credentials over plain text: the server does not offer STARTTLS"))
		}
		ok, mechs := cl.Extension("AUTH")
		if !ok {
			return permanent(errors.New("username is set but the server offers no AUTH"))
		}
		auth, err := chooseAuth(mechs, c)
		if err != nil {
			return err
		}
		if err := cl.Auth(auth); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	from, err := mail.ParseAddress(c.from)
	if err != nil {
		return permanent(fmt.Errorf("from: %w", err))
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, t := range c.to {
		to, err := mail.ParseAddress(t)
		if err != nil {
			return permanent(fmt.Errorf("to: %w", err))
		}
		if err := cl.Rcpt(to.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", to.Address, err)
		}
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return cl.Quit()
}

// chooseAuth picks PLAIN, or LOGIN when the server offers only that (Exchange's basic
// authentication), from the mechanisms the server lists after AUTH.
func chooseAuth(mechs string, c smtpConfig) (smtp.Auth, error) {
	offered := strings.Fields(strings.ToUpper(mechs))
	switch {
	case slices.Contains(offered, "PLAIN"):
		return smtp.PlainAuth("", c.username, c.password, c.host), nil
	case slices.Contains(offered, "LOGIN"):
		return &loginAuth{user: c.username, pass: c.password, host: c.host}, nil
	}
	return nil, permanent(fmt.Errorf("the server offers AUTH %s; vaultkeeper speaks PLAIN and LOGIN (no OAuth: use a relay that accepts a password, or none)", mechs))
}

// loginAuth is AUTH LOGIN, which net/smtp lacks: the user and the password each in answer to
// the server's (base64) "Username:" and "Password:" challenges. Like PlainAuth it refuses
// to run over plain text, except to a loopback server.
type loginAuth struct{ user, pass, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch ch := strings.ToLower(strings.TrimSpace(string(fromServer))); {
	case strings.HasPrefix(ch, "user"):
		return []byte(a.user), nil
	case strings.HasPrefix(ch, "pass"):
		return []byte(a.pass), nil
	default:
		return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", fromServer)
	}
}

// classifySMTP makes a server's permanent refusal (5xx) and a certificate that does not
// verify permanent errors; anything else (4xx, a network error) is worth a retry.
func classifySMTP(err error) error {
	var pe *permanentError
	if errors.As(err, &pe) {
		return err
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return permanent(err)
	}
	var ce *tls.CertificateVerificationError
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	if errors.As(err, &ce) || errors.As(err, &ue) || errors.As(err, &he) {
		return permanent(err)
	}
	return err
}

// permanentError is a delivery failure a retry cannot change.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// IsPermanent reports whether err is a failure a retry cannot change.
func IsPermanent(err error) bool {
	var pe *permanentError
	return errors.As(err, &pe)
}
