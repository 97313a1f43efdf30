package source

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// transportKind is how a git URL is reached.
type transportKind int

const (
	kindHTTP transportKind = iota
	kindSSH
	kindFile
)

func classify(rawURL string) (transportKind, error) {
	l := strings.ToLower(rawURL)
	switch {
	case strings.HasPrefix(l, "https://"), strings.HasPrefix(l, "http://"):
		return kindHTTP, nil
	case strings.HasPrefix(l, "ssh://"), scpLike.MatchString(rawURL):
		return kindSSH, nil
	case strings.HasPrefix(l, "file://"):
		return kindFile, nil
	}
	return 0, fmt.Errorf("git url %q: unsupported scheme (want https, http, ssh, user@host:path or file)", SanitizeURL(rawURL))
}

// SanitizeURL returns rawURL without any user information for http(s) and file URLs, and
// without a password for ssh URLs, so that it can be logged and put in errors.
func SanitizeURL(rawURL string) string {
	if scpLike.MatchString(rawURL) && !strings.Contains(rawURL, "://") {
		return rawURL // user@host:path carries no secret
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// Unparseable: cut anything that looks like user info.
		if i := strings.LastIndex(rawURL, "@"); i >= 0 {
			if j := strings.Index(rawURL, "://"); j >= 0 && j < i {
				return rawURL[:j+3] + "redacted@" + rawURL[i+1:]
			}
			return "redacted@" + rawURL[i+1:]
		}
		return rawURL
	}
	if u.User == nil {
		return rawURL
	}
	if strings.EqualFold(u.Scheme, "ssh") {
		u.User = url.User(u.User.Username())
	} else {
		u.User = nil
	}
	return u.String()
}

// sanitizedError carries a message with secrets removed. Unwrap keeps errors.Is working on
// the transport's sentinel errors.
type sanitizedError struct {
	msg string
	err error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.err }

// redact returns err with the raw URL replaced by its sanitized form and every secret
// replaced by "***".
func (g *gitSource) redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if g.url != g.safeURL {
		msg = strings.ReplaceAll(msg, g.url, g.safeURL)
	}
	if u, perr := url.Parse(g.url); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p)
		}
		if g.kind == kindHTTP {
			secrets = append(secrets, u.User.Username())
		}
	}
	for _, s := range secrets {
		if len(s) >= 3 { // short strings would mangle unrelated words
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	if msg == err.Error() {
		return err
	}
	return &sanitizedError{msg: msg, err: err}
}

// authMethod builds the transport credentials. For https the token is read from its file
// each time, so a rotated token is picked up without a restart. The token is also returned
// so that errors can be scrubbed of it.
func (g *gitSource) authMethod() (transport.AuthMethod, string, error) {
	a := g.opts.Auth
	switch g.kind {
	case kindHTTP:
		if a.TokenFile == "" {
			return nil, "", nil // anonymous, or user info in the URL
		}
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return nil, "", fmt.Errorf("reading git token file %q: %w", a.TokenFile, err)
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return nil, "", fmt.Errorf("git token file %q is empty", a.TokenFile)
		}
		user := a.Username
		if user == "" {
			user = "git"
		}
		return &githttp.BasicAuth{Username: user, Password: token}, token, nil
	case kindSSH:
		return g.sshAuth()
	}
	return nil, "", nil
}

// sshAuth loads the private key and the known_hosts file. There is no fallback to an
// accept-any-host-key callback, nor to ~/.ssh/known_hosts: both files must be given.
func (g *gitSource) sshAuth() (transport.AuthMethod, string, error) {
	a := g.opts.Auth
	if a.SSHKeyFile == "" {
		return nil, "", fmt.Errorf("git url %q: ssh needs a private key file", g.safeURL)
	}
	if a.KnownHostsFile == "" {
		return nil, "", fmt.Errorf("git url %q: ssh needs a known_hosts file (host keys are never accepted blindly)", g.safeURL)
	}
	if _, err := os.Stat(a.KnownHostsFile); err != nil {
		return nil, "", fmt.Errorf("known_hosts file %q: %w", a.KnownHostsFile, err)
	}
	ep, err := transport.NewEndpoint(g.url)
	if err != nil {
		return nil, "", fmt.Errorf("parsing git url %q: %w", g.safeURL, err)
	}
	user := a.Username
	if user == "" {
		user = ep.User
	}
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, a.SSHKeyFile, "")
	if err != nil {
		return nil, "", fmt.Errorf("loading ssh key %q: %w", a.SSHKeyFile, err)
	}
	db, err := gitssh.NewKnownHostsDb(a.KnownHostsFile)
	if err != nil {
		return nil, "", fmt.Errorf("loading known_hosts file %q: %w", a.KnownHostsFile, err)
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	keys.HostKeyCallback = db.HostKeyCallback()
	keys.HostKeyAlgorithms = db.HostKeyAlgorithms(fmt.Sprintf("%s:%d", ep.Host, port))
	return keys, "", nil
}
