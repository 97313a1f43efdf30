package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// errCheckoutChanged is wrapped when a cached checkout no longer matches its commit.
var errCheckoutChanged = errors.New("the checkout does not match its commit")

// verifyCheckout recomputes the git tree hash of the checkout at dir from the files on
// disk and compares it with the tree the commit records. A file changed, added or removed
// since checkout (or an object store whose trees were altered) changes the hash. Entries
// a checkout does not write (symlinks, submodules) count with the commit's hash and must
// be absent from disk.
func verifyCheckout(dir string, c *object.Commit) error {
	tree, err := c.Tree()
	if err != nil {
		return fmt.Errorf("tree of commit %s: %w", c.Hash, err)
	}
	got, err := diskTreeHash(dir, tree)
	if err != nil {
		return fmt.Errorf("%w: %v", errCheckoutChanged, err)
	}
	if got != c.TreeHash {
		return fmt.Errorf("%w: tree %s on disk, commit %s records tree %s", errCheckoutChanged, got, c.Hash, c.TreeHash)
	}
	return nil
}

// verifyCommitObject recomputes the hash of the stored commit object: the object store is in
// the cache too, and a rewritten commit would point verifyCheckout at another tree.
func verifyCommitObject(s storer.EncodedObjectStorer, h plumbing.Hash) error {
	obj, err := s.EncodedObject(plumbing.CommitObject, h)
	if err != nil {
		return fmt.Errorf("commit %s: %w", h, err)
	}
	r, err := obj.Reader()
	if err != nil {
		return fmt.Errorf("commit %s: %w", h, err)
	}
	defer r.Close()
	hh := plumbing.NewHasher(plumbing.CommitObject, obj.Size())
	if _, err := io.Copy(hh, r); err != nil {
		return fmt.Errorf("commit %s: %w", h, err)
	}
	if got := hh.Sum(); got != h {
		return fmt.Errorf("%w: the stored commit %s hashes to %s", errCheckoutChanged, h, got)
	}
	return nil
}

// diskTreeHash is the hash of tree with every checked-out entry's content read from dir.
func diskTreeHash(dir string, tree *object.Tree) (plumbing.Hash, error) {
	onDisk, err := os.ReadDir(dir)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	expected := map[string]bool{}
	entries := make([]object.TreeEntry, 0, len(tree.Entries))
	for _, e := range tree.Entries {
		p := filepath.Join(dir, e.Name)
		h := e.Hash
		switch e.Mode {
		case filemode.Dir:
			sub, err := tree.Tree(e.Name)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("%s: %w", p, err)
			}
			if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) && !hasFiles(sub) {
				break // only symlinks or submodules below: the checkout made no folder
			}
			expected[e.Name] = true
			if h, err = diskTreeHash(p, sub); err != nil {
				return plumbing.ZeroHash, err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			expected[e.Name] = true
			if h, err = blobHash(p); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		entries = append(entries, object.TreeEntry{Name: e.Name, Mode: e.Mode, Hash: h})
	}
	for _, d := range onDisk {
		if !expected[d.Name()] {
			return plumbing.ZeroHash, fmt.Errorf("%s: not in the commit", filepath.Join(dir, d.Name()))
		}
	}
	obj := &plumbing.MemoryObject{}
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return obj.Hash(), nil
}

// hasFiles reports whether tree holds a file a checkout writes, at any depth.
func hasFiles(tree *object.Tree) bool {
	found := false
	_ = tree.Files().ForEach(func(f *object.File) error {
		if f.Mode != filemode.Symlink {
			found = true
			return io.EOF // stop
		}
		return nil
	})
	return found
}

// blobHash is the git blob hash of the regular file at p.
func blobHash(p string) (plumbing.Hash, error) {
	if fi, err := os.Lstat(p); err != nil {
		return plumbing.ZeroHash, err
	} else if !fi.Mode().IsRegular() {
		return plumbing.ZeroHash, fmt.Errorf("%s: not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if !fi.Mode().IsRegular() {
		return plumbing.ZeroHash, fmt.Errorf("%s: not a regular file", p)
	}
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	if _, err := io.Copy(h, f); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%s: %w", p, err)
	}
	return h.Sum(), nil
}

// Reverifier is implemented by sources whose revisions live in a cache that could have been
// changed while the agent was down: the agent re-verifies its last applied revision before
// putting it back in force at start-up.
type Reverifier interface {
	// Reverify checks that dir (Revision.Dir joined with Revision.Path of revision id) still
	// holds exactly that revision and, with a keyring, that the commit is signed by it.
	Reverify(id, dir string) error
}

// Reverify implements Reverifier.
func (g *gitSource) Reverify(id, dir string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	root := filepath.Join(g.opts.CacheDir, revPrefix+id)
	if !fullHash.MatchString(id) || filepath.Clean(dir) != filepath.Join(root, filepath.FromSlash(g.opts.Path)) {
		return fmt.Errorf("git source %q: %s is not this source's checkout of %s", g.safeURL, dir, id)
	}
	if err := g.openRepo(); err != nil {
		return err
	}
	c, err := g.peel(plumbing.NewHash(id))
	if err != nil {
		return fmt.Errorf("git source %q: %w", g.safeURL, err)
	}
	if g.keyring != "" {
		if st := verifyCommit(c, g.keyring); !st.Signed {
			return fmt.Errorf("git source %q: commit %s: %w: %s", g.safeURL, id, ErrNotSigned, st.Err)
		}
	}
	if err := verifyCommitObject(g.repo.Storer, c.Hash); err != nil {
		return fmt.Errorf("git source %q: %w", g.safeURL, err)
	}
	if err := verifyCheckout(root, c); err != nil {
		return fmt.Errorf("git source %q: %s: %w", g.safeURL, root, err)
	}
	return nil
}
