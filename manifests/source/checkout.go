package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

const revPrefix = "rev-"

// peel resolves hash (a commit, or an annotated tag pointing at one) to its commit.
func (g *gitSource) peel(hash plumbing.Hash) (*object.Commit, error) {
	for range 8 {
		obj, err := g.repo.Object(plumbing.AnyObject, hash)
		if err != nil {
			return nil, fmt.Errorf("reading object %s: %w", hash, err)
		}
		switch o := obj.(type) {
		case *object.Commit:
			return o, nil
		case *object.Tag:
			hash = o.Target
		default:
			return nil, fmt.Errorf("object %s is a %s, not a commit", hash, obj.Type())
		}
	}
	return nil, fmt.Errorf("object %s: too many nested tags", hash)
}

// adopt turns the fetched object into the current revision: signature check, checkout,
// path check, removal of checkouts no longer needed.
func (g *gitSource) adopt(ctx context.Context, ref plumbing.Hash) (Revision, bool, error) {
	c, err := g.peel(ref)
	if err != nil {
		return Revision{}, false, fmt.Errorf("git source %q: %w", g.safeURL, err)
	}
	rev := Revision{ID: c.Hash.String(), Path: g.opts.Path, Time: c.Committer.When}
	if g.keyring != "" {
		rev.Signature = verifyCommit(c, g.keyring)
		if !rev.Signature.Signed {
			err := fmt.Errorf("git source %q: commit %s: %w: %s", g.safeURL, rev.ID, ErrNotSigned, rev.Signature.Err)
			g.rejected = &rejection{ref: ref, rev: rev, err: err}
			g.log.Warn("rejected unsigned revision", "revision", rev.ID, "key_id", rev.Signature.KeyID, "reason", rev.Signature.Err)
			return rev, false, err
		}
	}
	if err := g.checkRollback(ctx, c); err != nil {
		g.rejected = &rejection{ref: ref, rev: rev, err: err}
		g.log.Warn("rejected revision", "revision", rev.ID, "err", err)
		return rev, false, err
	}
	// checkRollback may have fetched the cache afresh: read the commit from the store in
	// use now, not from the one it replaced.
	if c, err = g.peel(c.Hash); err != nil {
		return Revision{}, false, fmt.Errorf("git source %q: %w", g.safeURL, err)
	}
	dir, err := g.checkout(ctx, c)
	if err != nil {
		return Revision{}, false, err
	}
	if g.opts.Path != "" {
		p := filepath.Join(dir, filepath.FromSlash(g.opts.Path))
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			return Revision{}, false, fmt.Errorf("git source %q: path %q is not a folder in commit %s", g.safeURL, g.opts.Path, rev.ID)
		}
	}
	rev.Dir = dir
	changed := g.last == nil || g.last.rev.ID != rev.ID
	keep := []string{dir}
	if g.last != nil {
		keep = append(keep, g.last.rev.Dir)
	}
	if applied := g.applied(); applied != "" {
		keep = append(keep, filepath.Join(g.opts.CacheDir, revPrefix+applied))
	}
	g.prune(keep...)
	g.last = &gitState{ref: ref, rev: rev}
	g.rejected = nil
	if changed {
		g.log.Info("new revision", "revision", rev.ID, "signer", rev.Signature.Signer)
	}
	return rev, changed, nil
}

// checkout writes the commit's files to CacheDir/rev-<hash>, built under a temporary name
// and renamed into place, so the folder is either absent or complete.
func (g *gitSource) checkout(ctx context.Context, c *object.Commit) (string, error) {
	dir := filepath.Join(g.opts.CacheDir, revPrefix+c.Hash.String())
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		// Reused only while its files still hash to the commit's tree (the commit's
		// signature was checked by adopt just before).
		err := verifyCommitObject(g.repo.Storer, c.Hash)
		if err == nil {
			err = verifyCheckout(dir, c)
		}
		if err == nil {
			return dir, nil
		}
		g.log.Warn("cached checkout changed since it was written; checking it out again", "dir", dir, "err", err)
		if err := os.RemoveAll(dir); err != nil {
			return "", fmt.Errorf("removing changed checkout %q: %w", dir, err)
		}
	}
	tmp, err := os.MkdirTemp(g.opts.CacheDir, ".tmp-"+revPrefix)
	if err != nil {
		return "", fmt.Errorf("creating checkout dir in %q: %w", g.opts.CacheDir, err)
	}
	if err := writeTree(ctx, c, tmp, g); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("checking out commit %s into %q: %w", c.Hash, tmp, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("checkout %q: %w", tmp, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("moving checkout into place at %q: %w", dir, err)
	}
	return dir, nil
}

func writeTree(ctx context.Context, c *object.Commit, dst string, g *gitSource) error {
	tree, err := c.Tree()
	if err != nil {
		return err
	}
	return tree.Files().ForEach(func(f *object.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.Mode == filemode.Symlink {
			g.log.Warn("skipping symlink in checkout", "file", f.Name)
			return nil
		}
		rel := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(rel) {
			return fmt.Errorf("file %q: path escapes the checkout", f.Name)
		}
		perm := os.FileMode(0o644)
		if f.Mode == filemode.Executable {
			perm = 0o755
		}
		return writeBlob(f, filepath.Join(dst, rel), perm)
	})
}

func writeBlob(f *object.File, path string, perm os.FileMode) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	r, err := f.Reader()
	if err != nil {
		return fmt.Errorf("reading %q: %w", f.Name, err)
	}
	defer r.Close()
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, r)
	return err
}

// prune removes checkouts and leftovers of interrupted ones, except the folders in keep.
func (g *gitSource) prune(keep ...string) {
	entries, err := os.ReadDir(g.opts.CacheDir)
	if err != nil {
		g.log.Warn("listing cache dir", "dir", g.opts.CacheDir, "err", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, revPrefix) && !strings.HasPrefix(name, ".tmp-"+revPrefix) {
			continue
		}
		p := filepath.Join(g.opts.CacheDir, name)
		kept := false
		for _, k := range keep {
			kept = kept || k == p
		}
		if kept {
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			g.log.Warn("removing old checkout", "dir", p, "err", err)
		}
	}
}
