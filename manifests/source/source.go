package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
)

// Revision is one state of the source.
type Revision struct {
	// ID is the commit hash for git, or "sha256:<hex>" (a digest of the YAML files) for a
	// folder.
	ID string
	// Dir is a folder holding the revision's files: for git a checkout of the commit in the
	// cache dir, for a folder source the folder itself. Empty when the revision was
	// rejected (see ErrNotSigned).
	Dir string
	// Path is the subfolder within Dir that holds the manifests, "" for the root.
	Path string
	// Time is the commit time for git, the newest file modification for a folder.
	Time time.Time
	// Signature is the result of the OpenPGP check of the HEAD commit.
	Signature SignatureStatus
}

// SignatureStatus is the outcome of checking a commit's OpenPGP signature.
type SignatureStatus struct {
	Checked bool   // a keyring was configured and the check ran
	Signed  bool   // signed by a key in the keyring, and the signature is good
	KeyID   string // issuer key id of the signature (hex), if the commit carries one
	Signer  string // primary identity of the keyring entity that made the signature
	Err     string // why Signed is false
}

// Source is where the manifests come from.
type Source interface {
	// Fetch returns the current revision. changed=false means same as the last Fetch and
	// nothing was transferred. With a keyring, a HEAD commit that is not signed by a key in
	// it makes Fetch return an error wrapping ErrNotSigned together with the rejected
	// revision's ID and Signature; the previous revision stays valid.
	Fetch(ctx context.Context) (rev Revision, changed bool, err error)
	// Changes delivers a value whenever the source may have changed (folder edits after
	// the debounce). It is nil for git sources, which are polled (and triggered by the
	// webhook).
	Changes() <-chan struct{}
	// Close stops watching and releases resources. Revisions already returned stay on disk.
	Close() error
}

// ErrNotSigned is wrapped by Fetch's error when a keyring is configured and the HEAD commit
// is unsigned, signed by a key not in the keyring, or carries a bad signature.
var ErrNotSigned = errors.New("commit is not signed by a trusted key")

// ErrRollback is wrapped by Fetch's error when a keyring is configured and the new HEAD does
// not descend from the last applied revision (a force-push back to an older signed commit),
// unless AllowRollback is set. Like ErrNotSigned, the previous revision stays valid.
var ErrRollback = errors.New("revision does not descend from the last applied revision")

// GitOptions configures a git source.
type GitOptions struct {
	URL string // https://, http://, ssh://, user@host:path or file://
	// At most one of Branch, Tag and Commit; none means the remote's default branch (HEAD).
	Branch, Tag, Commit string
	Path                string // subfolder holding the manifests, "" for the root
	CacheDir            string // where the object store and checkouts live (required)
	Auth                AuthOptions
	// VerifyKeyring is the path of an armored OpenPGP keyring; "" turns verification off.
	VerifyKeyring string
	// Applied, when set, returns the revision the agent applied last ("" before the first).
	// Its checkout is never pruned from the cache (after a restart with only invalid newer
	// revisions it is what stays in force), and with VerifyKeyring a new revision must
	// descend from it (see ErrRollback).
	Applied func() string
	// AllowRollback lets a signed revision that does not descend from the applied one be
	// applied (`vaultkeeper run --allow-rollback`).
	AllowRollback bool
	// Timeout bounds each remote operation (ls-remote, fetch). Default 1 minute.
	Timeout time.Duration
	Log     *slog.Logger
}

// AuthOptions holds the credentials for a git remote. Secrets are read from files, never
// taken inline.
type AuthOptions struct {
	Username  string // https user (default "git" when TokenFile is set) or ssh user
	TokenFile string // https password or token, read from this file at each fetch
	// SSHKeyFile is the private key for ssh URLs; KnownHostsFile is required with it.
	SSHKeyFile, KnownHostsFile string
}

// DefaultDebounce is the folder debounce used when none is given: editors write a file in
// several steps (truncate, write, rename) within a few milliseconds.
const DefaultDebounce = 100 * time.Millisecond

// scpLike matches git's scp-like ssh syntax, user@host:path (not a Windows drive path).
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:[^/]?`)

// IsGitURL reports whether s names a git remote rather than a local folder.
func IsGitURL(s string) bool {
	for _, p := range []string{"https://", "http://", "ssh://", "file://"} {
		if strings.HasPrefix(strings.ToLower(s), p) {
			return true
		}
	}
	return scpLike.MatchString(s)
}

// New returns a git source for URLs and a folder source for local paths. A folder source
// cannot be verified: VerifyKeyring, a pin or credentials with a folder are errors.
func New(o GitOptions, debounce time.Duration) (Source, error) {
	if IsGitURL(o.URL) {
		return NewGit(o)
	}
	switch {
	case o.VerifyKeyring != "":
		return nil, fmt.Errorf("source %q is a folder: signature verification needs a git source", o.URL)
	case o.Branch != "" || o.Tag != "" || o.Commit != "":
		return nil, fmt.Errorf("source %q is a folder: branch, tag and commit apply to git sources only", o.URL)
	case o.Auth != AuthOptions{}:
		return nil, fmt.Errorf("source %q is a folder: credentials apply to git sources only", o.URL)
	}
	return NewFolder(o.URL, o.Path, debounce, o.Log)
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}
