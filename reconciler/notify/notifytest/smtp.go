package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPOptions shape the test server.
type SMTPOptions struct {
	// NoSTARTTLS leaves STARTTLS out of the EHLO answer.
	NoSTARTTLS bool
	// User and Password, when set, are the only credentials AUTH accepts; AUTH is offered
	// only then.
	User, Password string
	// Mechs are the AUTH mechanisms offered, of PLAIN and LOGIN (default PLAIN).
	Mechs []string
	// TempFail answers the first TempFail MAIL commands with 451 (a transient refusal).
	TempFail int
	// RejectRcpt answers every RCPT with 550 (a permanent refusal).
	RejectRcpt bool
}

// Mail is one accepted message.
type Mail struct {
	From     string
	To       []string
	Data     string // as received, dot-unstuffed, CRLF line ends
	TLS      bool   // the transaction ran over STARTTLS
	AuthUser string // the user that authenticated, "" when none
}

// SMTPServer is a minimal SMTP server on 127.0.0.1.
type SMTPServer struct {
	Host string // 127.0.0.1
	Port int
	// CAFile is the PEM file of the server's self-signed certificate (for 127.0.0.1 and
	// localhost), to trust as a notifier's caFile.
	CAFile string

	opt   SMTPOptions
	tls   *tls.Config
	ln    net.Listener
	mu    sync.Mutex
	mails []Mail
	fails int
	wg    sync.WaitGroup
}

// NewSMTPServer starts a server; the test's cleanup stops it.
func NewSMTPServer(t testing.TB, opt SMTPOptions) *SMTPServer {
	t.Helper()
	cert, pemBytes := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, opt: opt, ln: ln,
		tls: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	s.CAFile = filepath.Join(t.TempDir(), "smtp-ca.pem")
	if err := os.WriteFile(s.CAFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Addr is host:port.
func (s *SMTPServer) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Mails returns the accepted mails so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// WaitMails polls until at least n mails arrived, failing the test after limit.
func (s *SMTPServer) WaitMails(t testing.TB, n int, limit time.Duration) []Mail {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("SMTP server: %d mail(s) after %s, want %d", len(s.Mails()), limit, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *SMTPServer) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(time.Minute))
			s.session(c)
		}()
	}
}

// session speaks SMTP on one connection.
func (s *SMTPServer) session(c net.Conn) {
	tp := textproto.NewConn(c)
	reply := func(code int, lines ...string) {
		for i, l := range lines {
			sep := " "
			if i < len(lines)-1 {
				sep = "-"
			}
			tp.PrintfLine("%d%s%s", code, sep, l)
		}
	}
	reply(220, "127.0.0.1 ESMTP notifytest")
	var (
		secure bool
		user   string
		cur    *Mail
	)
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"127.0.0.1 greets " + arg, "8BITMIME"}
			if !s.opt.NoSTARTTLS && !secure {
				ext = append(ext, "STARTTLS")
			}
			if s.opt.User != "" {
				ext = append(ext, "AUTH "+strings.Join(s.mechs(), " "))
			}
			reply(250, ext...)
		case "HELO":
			reply(250, "127.0.0.1")
		case "STARTTLS":
			if s.opt.NoSTARTTLS || secure {
				reply(502, "5.5.1 not now")
				continue
			}
			reply(220, "2.0.0 ready to start TLS")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, secure, user, cur = tc, true, "", nil
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			mech = strings.ToUpper(mech)
			if s.opt.User == "" || !slices.Contains(s.mechs(), mech) {
				reply(504, "5.5.4 unrecognized authentication type")
				continue
			}
			var u, p string
			if mech == "PLAIN" {
				raw, _ := base64.StdEncoding.DecodeString(resp)
				parts := strings.Split(string(raw), "\x00")
				if len(parts) == 3 {
					u, p = parts[1], parts[2]
				}
			} else { // LOGIN: Username: and Password: challenges, base64 both ways
				ask := func(prompt string) string {
					reply(334, base64.StdEncoding.EncodeToString([]byte(prompt)))
					l, _ := tp.ReadLine()
					b, _ := base64.StdEncoding.DecodeString(l)
					return string(b)
				}
				u, p = ask("Username:"), ask("Password:")
			}
			if u != s.opt.User || p != s.opt.Password {
				reply(535, "5.7.8 authentication credentials invalid")
				continue
			}
			user = u
			reply(235, "2.7.0 authentication successful")
		case "MAIL":
			s.mu.Lock()
			fail := s.fails < s.opt.TempFail
			if fail {
				s.fails++
			}
			s.mu.Unlock()
			if fail {
				reply(451, "4.3.0 try again later")
				continue
			}
			cur = &Mail{From: addrOf(arg), TLS: secure, AuthUser: user}
			reply(250, "2.1.0 ok")
		case "RCPT":
			switch {
			case cur == nil:
				reply(503, "5.5.1 MAIL first")
			case s.opt.RejectRcpt:
				reply(550, "5.1.1 no such user")
			default:
				cur.To = append(cur.To, addrOf(arg))
				reply(250, "2.1.5 ok")
			}
		case "DATA":
			if cur == nil || len(cur.To) == 0 {
				reply(503, "5.5.1 RCPT first")
				continue
			}
			reply(354, "end with <CR><LF>.<CR><LF>")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = strings.ReplaceAll(string(b), "\n", "\r\n")
			s.mu.Lock()
			s.mails = append(s.mails, *cur)
			s.mu.Unlock()
			cur = nil
			reply(250, "2.0.0 queued")
		case "RSET":
			cur = nil
			reply(250, "2.0.0 ok")
		case "NOOP":
			reply(250, "2.0.0 ok")
		case "QUIT":
			reply(221, "2.0.0 bye")
			return
		default:
			reply(502, "5.5.2 command not recognized")
		}
	}
}

func (s *SMTPServer) mechs() []string {
	if len(s.opt.Mechs) == 0 {
		return []string{"PLAIN"}
	}
	return s.opt.Mechs
}

// addrOf takes the address out of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	a, _, _ := strings.Cut(rest, ">")
	return a
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a day.
func selfSigned(t testing.TB) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "notifytest SMTP"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
