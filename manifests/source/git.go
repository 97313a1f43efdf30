package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// DefaultGitTimeout bounds each remote operation when GitOptions.Timeout is zero.
const DefaultGitTimeout = time.Minute

// localRef is where the fetched target lands in the cache's object store.
const localRef = "refs/vaultkeeper/target"

var fullHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

type gitSource struct {
	opts         GitOptions
	url, safeURL string
	kind         transportKind
	log          *slog.Logger
	keyring      string // armored, "" = no verification
	repoDir      string // CacheDir/repo.git
	mu           sync.Mutex
	repo         *git.Repository
	last         *gitState // last revision handed out, nil before the first success
	rejected     *rejection
	closed       bool
	refspecs     []string // of the last fetch, to fetch the history again when needed
}

type gitState struct {
	ref plumbing.Hash // the remote ref's hash (a tag object for annotated tags)
	rev Revision
}

// rejection remembers the last revision refused for its signature, so that polling the same
// remote hash again neither refetches nor re-verifies it.
type rejection struct {
	ref plumbing.Hash
	rev Revision
	err error
}

// NewGit returns a git source. It checks the options and reads the keyring but does not
// contact the remote: the first Fetch does.
func NewGit(o GitOptions) (Source, error) {
	kind, err := classify(o.URL)
	if err != nil {
		return nil, err
	}
	g := &gitSource{opts: o, url: o.URL, safeURL: SanitizeURL(o.URL), kind: kind, log: orDiscard(o.Log)}
	g.log = g.log.With("source", g.safeURL)
	pins := 0
	for _, p := range []string{o.Branch, o.Tag, o.Commit} {
		if p != "" {
			pins++
		}
	}
	switch {
	case pins > 1:
		return nil, fmt.Errorf("git source %q: branch %q, tag %q and commit %q: give at most one", g.safeURL, o.Branch, o.Tag, o.Commit)
	case o.Commit != "" && !fullHash.MatchString(o.Commit):
		return nil, fmt.Errorf("git source %q: commit %q: want a full 40-character lowercase hex hash", g.safeURL, o.Commit)
	case o.CacheDir == "":
		return nil, fmt.Errorf("git source %q: a cache dir is required", g.safeURL)
	}
	if err := checkPath(o.Path); err != nil {
		return nil, err
	}
	if g.opts.Timeout <= 0 {
		g.opts.Timeout = DefaultGitTimeout
	}
	if o.VerifyKeyring != "" {
		if g.keyring, err = readKeyring(o.VerifyKeyring); err != nil {
			return nil, err
		}
	}
	if kind == kindHTTP && strings.HasPrefix(strings.ToLower(o.URL), "http://") && o.Auth.TokenFile != "" {
		g.log.Warn("sending git credentials over plain http; use https")
	}
	if kind == kindSSH {
		if _, _, err := g.sshAuth(); err != nil { // fail at start-up, not at the first poll
			return nil, err
		}
	}
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating git cache dir %q: %w", o.CacheDir, err)
	}
	g.repoDir = filepath.Join(o.CacheDir, "repo.git")
	return g, nil
}

func checkPath(p string) error {
	if p == "" {
		return nil
	}
	if !filepath.IsLocal(filepath.FromSlash(p)) {
		return fmt.Errorf("source path %q: must be a relative path inside the repository", p)
	}
	return nil
}

func readKeyring(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading keyring %q: %w", path, err)
	}
	list, err := openpgp.ReadArmoredKeyRing(strings.NewReader(string(b)))
	if err != nil {
		return "", fmt.Errorf("parsing armored keyring %q: %w", path, err)
	}
	if len(list) == 0 {
		return "", fmt.Errorf("keyring %q holds no keys", path)
	}
	return string(b), nil
}

func (g *gitSource) Changes() <-chan struct{} { return nil }

func (g *gitSource) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	g.repo = nil
	return nil
}

// Fetch implements Source.
func (g *gitSource) Fetch(ctx context.Context) (Revision, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return Revision{}, false, fmt.Errorf("git source %q: fetch after close", g.safeURL)
	}
	if g.opts.Commit != "" {
		return g.fetchCommit(ctx)
	}
	remoteRef, hash, err := g.lsRemote(ctx)
	if err != nil {
		return Revision{}, false, err
	}
	if g.last != nil && g.last.ref == hash {
		return g.last.rev, false, nil
	}
	if g.rejected != nil && g.rejected.ref == hash {
		return g.rejected.rev, false, g.rejected.err
	}
	g.refspecs = []string{"+" + remoteRef.String() + ":" + localRef}
	if err := g.ensure(ctx, hash, func(ctx context.Context) error {
		return g.fetch(ctx, g.depth(), g.refspecs...)
	}); err != nil {
		return Revision{}, false, err
	}
	return g.adopt(ctx, hash)
}

// fetchCommit handles a commit pin: a commit never changes, so once it is checked out no
// further network traffic happens.
func (g *gitSource) fetchCommit(ctx context.Context) (Revision, bool, error) {
	if g.last != nil {
		return g.last.rev, false, nil
	}
	if g.rejected != nil {
		return g.rejected.rev, false, g.rejected.err
	}
	hash := plumbing.NewHash(g.opts.Commit)
	g.refspecs = []string{g.opts.Commit + ":" + localRef}
	err := g.ensure(ctx, hash, func(ctx context.Context) error {
		// Servers that allow it send just that commit; the others need the branches.
		err := g.fetch(ctx, 1, g.opts.Commit+":"+localRef)
		if err == nil || !errors.Is(err, git.ErrExactSHA1NotSupported) {
			return err
		}
		heads := "+refs/heads/*:refs/vaultkeeper/heads/*"
		if g.opts.Branch != "" {
			heads = "+refs/heads/" + g.opts.Branch + ":refs/vaultkeeper/heads/" + g.opts.Branch
		}
		return g.fetch(ctx, 0, heads, "+refs/tags/*:refs/vaultkeeper/tags/*")
	})
	if err != nil {
		return Revision{}, false, err
	}
	return g.adopt(ctx, hash)
}

// lsRemote lists the remote's refs (no pack is transferred) and returns the pinned ref
// and its hash.
func (g *gitSource) lsRemote(ctx context.Context) (plumbing.ReferenceName, plumbing.Hash, error) {
	auth, token, err := g.authMethod()
	if err != nil {
		return "", plumbing.ZeroHash, err
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	remote := git.NewRemote(nil, g.remoteConfig())
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return "", plumbing.ZeroHash, g.redact(fmt.Errorf("listing refs of %q: %w", g.url, err), token)
	}
	byName := make(map[plumbing.ReferenceName]*plumbing.Reference, len(refs))
	for _, r := range refs {
		byName[r.Name()] = r
	}
	want := plumbing.HEAD
	switch {
	case g.opts.Branch != "":
		want = plumbing.NewBranchReferenceName(g.opts.Branch)
	case g.opts.Tag != "":
		want = plumbing.NewTagReferenceName(g.opts.Tag)
	}
	r, ok := byName[want]
	for i := 0; ok && r.Type() == plumbing.SymbolicReference && i < 5; i++ {
		want = r.Target()
		r, ok = byName[want]
	}
	if !ok || r.Type() != plumbing.HashReference {
		return "", plumbing.ZeroHash, fmt.Errorf("git source %q: ref %q not found on the remote", g.safeURL, want)
	}
	g.log.Debug("listed remote refs", "ref", want.String(), "hash", r.Hash().String())
	return want, r.Hash(), nil
}

// ensure makes the object hash present in the local store, running fetch when it is not.
// A store left inconsistent (interrupted fetch, shallow history after a force-push) is
// wiped and fetched again once.
func (g *gitSource) ensure(ctx context.Context, hash plumbing.Hash, fetch func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		if err := g.openRepo(); err != nil {
			return err
		}
		if g.repo.Storer.HasEncodedObject(hash) == nil {
			if _, err := g.peel(hash); err == nil {
				return nil
			}
		}
		err := fetch(ctx)
		if errors.Is(err, git.NoErrAlreadyUpToDate) {
			err = nil
		}
		if err == nil {
			if _, perr := g.peel(hash); perr != nil {
				err = fmt.Errorf("git source %q: %s missing after fetch: %w", g.safeURL, hash, perr)
			}
		}
		if err == nil {
			return nil
		}
		if attempt > 0 || ctx.Err() != nil || !errors.Is(err, plumbing.ErrObjectNotFound) {
			return err
		}
		g.log.Warn("object store inconsistent, fetching afresh", "err", err)
		g.repo = nil
		if rerr := os.RemoveAll(g.repoDir); rerr != nil {
			return fmt.Errorf("removing git cache %q: %w", g.repoDir, rerr)
		}
	}
}

func (g *gitSource) openRepo() error {
	if g.repo != nil {
		return nil
	}
	r, err := git.PlainOpen(g.repoDir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainInit(g.repoDir, true)
	}
	if err != nil {
		return fmt.Errorf("opening git cache %q: %w", g.repoDir, err)
	}
	g.repo = r
	return nil
}

// fetch transfers the objects for refspecs into the cache, with the given depth (0 = all).
// Refspecs are forced (+), so a force-pushed ref is followed.
func (g *gitSource) fetch(ctx context.Context, depth int, refspecs ...string) error {
	auth, token, err := g.authMethod()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	specs := make([]config.RefSpec, len(refspecs))
	for i, s := range refspecs {
		specs[i] = config.RefSpec(s)
	}
	remote := git.NewRemote(g.repo.Storer, g.remoteConfig())
	start := time.Now()
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RefSpecs: specs, Depth: depth, Auth: auth, Tags: git.NoTags, Force: true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return g.redact(fmt.Errorf("fetching %v from %q: %w", refspecs, g.url, err), token)
	}
	g.log.Debug("fetched", "refspecs", refspecs, "depth", depth, "took", time.Since(start))
	return err
}

func (g *gitSource) remoteConfig() *config.RemoteConfig {
	return &config.RemoteConfig{Name: git.DefaultRemoteName, URLs: []string{g.url}}
}
