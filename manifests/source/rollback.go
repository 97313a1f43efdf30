package source

import (
	"context"
	"errors"
	"fmt"
	"os"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxAncestry bounds the commits walked to prove descent.
const maxAncestry = 200000

// applied is the agent's last applied revision, "" when unknown.
func (g *gitSource) applied() string {
	if g.opts.Applied == nil {
		return ""
	}
	return g.opts.Applied()
}

// guardsRollback reports whether new revisions must descend from the applied one.
func (g *gitSource) guardsRollback() bool { return g.keyring != "" && !g.opts.AllowRollback }

// depth is the fetch depth: the whole history when descent must be proven, else the tip.
func (g *gitSource) depth() int {
	if g.guardsRollback() {
		return 0
	}
	return 1
}

// checkRollback refuses c, with a keyring, unless it is the applied revision or descends
// from it. A cache left shallow by an earlier version is fetched afresh, whole, once.
func (g *gitSource) checkRollback(ctx context.Context, c *object.Commit) error {
	applied := g.applied()
	if !g.guardsRollback() || applied == "" || applied == c.Hash.String() {
		return nil
	}
	want := plumbing.NewHash(applied)
	found, complete := g.descends(c, want)
	if !found && !complete && len(g.refspecs) > 0 {
		g.log.Info("fetching the whole history to check that the new revision descends from the applied one", "revision", c.Hash.String(), "applied", applied)
		g.repo = nil
		if err := os.RemoveAll(g.repoDir); err != nil {
			return fmt.Errorf("removing git cache %q: %w", g.repoDir, err)
		}
		if err := g.openRepo(); err != nil {
			return err
		}
		if err := g.fetch(ctx, 0, g.refspecs...); err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
			return err
		}
		nc, err := g.peel(c.Hash)
		if err != nil {
			return fmt.Errorf("git source %q: %w", g.safeURL, err)
		}
		found, complete = g.descends(nc, want)
	}
	switch {
	case found:
		return nil
	case !complete:
		return fmt.Errorf("git source %q: commit %s: %w: the history down to %s could not be read (restart with --allow-rollback once to accept it)", g.safeURL, c.Hash, ErrRollback, applied)
	}
	return fmt.Errorf("git source %q: commit %s: %w %s (a force-push back to an older commit?); restart with --allow-rollback to apply it", g.safeURL, c.Hash, ErrRollback, applied)
}

// descends walks c's ancestry looking for want. complete is false when a commit on the way
// is missing from the cache (shallow history) or the walk was cut short.
func (g *gitSource) descends(c *object.Commit, want plumbing.Hash) (found, complete bool) {
	seen := map[plumbing.Hash]bool{c.Hash: true}
	queue := []*object.Commit{c}
	complete = true
	for n := 0; len(queue) > 0; n++ {
		if n > maxAncestry {
			return false, false
		}
		cur := queue[0]
		queue = queue[1:]
		for _, p := range cur.ParentHashes {
			if p == want {
				return true, true
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := g.repo.CommitObject(p)
			if err != nil {
				complete = false
				continue
			}
			queue = append(queue, pc)
		}
	}
	return false, complete
}
