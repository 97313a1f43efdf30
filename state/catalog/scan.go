package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// RemovingSuffix marks a set folder whose removal was interrupted; it is never a set.
const RemovingSuffix = ".removing"

// ProblemKind says what is wrong with a path found under a destination.
type ProblemKind string

// Problem kinds. None of these paths is ever modified by the catalog.
const (
	ProblemPartial    ProblemKind = "partial"      // X.partial: an interrupted backup
	ProblemRemoving   ProblemKind = "removing"     // X.removing: an interrupted removal
	ProblemNotASet    ProblemKind = "not-a-set"    // a file or folder that is not a set
	ProblemBadMeta    ProblemKind = "bad-metadata" // vaultkeeper.json that does not parse or does not match
	ProblemSymlink    ProblemKind = "symlink"      // links are never followed
	ProblemUnreadable ProblemKind = "unreadable"   // an I/O error
)

// Problem is a path under a destination that is not a set, and why.
type Problem struct {
	Path   string      `json:"path"`
	Kind   ProblemKind `json:"kind"`
	Reason string      `json:"reason"`
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Path, p.Kind, p.Reason) }

// Key names the sets of one server made by one policy.
type Key struct{ Server, Policy string }

// Catalog indexes the sets found by Scan per server and policy, oldest first. Reads may run
// concurrently; Remove must not run concurrently with anything else on the same Catalog.
type Catalog struct {
	sets map[Key][]Set
}

// Keys lists the server/policy pairs that have sets, sorted.
func (c *Catalog) Keys() []Key {
	keys := make([]Key, 0, len(c.sets))
	for k := range c.sets {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		return cmp.Or(cmp.Compare(a.Server, b.Server), cmp.Compare(a.Policy, b.Policy))
	})
	return keys
}

// Sets returns the sets of server made by policy, in every destination, oldest first.
func (c *Catalog) Sets(server, policy string) []Set {
	return slices.Clone(c.sets[Key{server, policy}])
}

// SetsIn returns the sets of server made by policy in one destination, oldest first.
func (c *Catalog) SetsIn(destination, server, policy string) []Set {
	destination = filepath.Clean(destination)
	var out []Set
	for _, s := range c.sets[Key{server, policy}] {
		if s.Destination == destination {
			out = append(out, s)
		}
	}
	return out
}

// Len is the number of sets in the catalog.
func (c *Catalog) Len() int {
	n := 0
	for _, s := range c.sets {
		n += len(s)
	}
	return n
}

// Scan walks `<destination>/<server>/<setID>/` under every root and returns the sets it found
// and every path that is not a set. A destination that does not exist yet has no sets. Scan
// only reads; the error is non-nil only when ctx ends.
func Scan(ctx context.Context, roots []Root) (*Catalog, []Problem, error) {
	type job struct {
		dest, server string
		replica      bool
	}
	var (
		jobs     []job
		problems []Problem
		seen     = map[string]bool{}
	)
	for _, r := range roots {
		dest := filepath.Clean(r.Destination)
		if seen[dest] {
			continue
		}
		seen[dest] = true
		entries, err := os.ReadDir(dest)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, Problem{dest, ProblemUnreadable, err.Error()})
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dest, e.Name())
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				problems = append(problems, Problem{p, ProblemSymlink, "symbolic links are not followed"})
			case !e.IsDir() || !validServer(e.Name()):
				problems = append(problems, Problem{p, ProblemNotASet, "not a server folder"})
			default:
				jobs = append(jobs, job{dest, e.Name(), r.Replica})
			}
		}
	}

	c := &Catalog{sets: map[Key][]Set{}}
	var mu sync.Mutex
	next := make(chan job)
	var wg sync.WaitGroup
	for range min(len(jobs), 2*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for j := range next {
				sets, probs := scanServer(j.dest, j.server, j.replica)
				mu.Lock()
				for _, s := range sets {
					k := Key{s.Server, s.Policy}
					c.sets[k] = append(c.sets[k], s)
				}
				problems = append(problems, probs...)
				mu.Unlock()
			}
		})
	}
	var err error
	for _, j := range jobs {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, nil, fmt.Errorf("scan of %d destinations: %w", len(seen), err)
	}
	for _, sets := range c.sets {
		slices.SortFunc(sets, func(a, b Set) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Destination, b.Destination))
		})
	}
	slices.SortFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Path, b.Path) })
	return c, problems, nil
}

// scanServer reads `<dest>/<server>/`.
func scanServer(dest, server string, replica bool) ([]Set, []Problem) {
	dir := filepath.Join(dest, server)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []Problem{{dir, ProblemUnreadable, err.Error()}}
	}
	var (
		sets     []Set
		problems []Problem
	)
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, PartialSuffix):
			problems = append(problems, Problem{p, ProblemPartial, "an unfinished set (interrupted backup)"})
			continue
		case strings.HasSuffix(name, RemovingSuffix):
			problems = append(problems, Problem{p, ProblemRemoving, "an interrupted removal"})
			continue
		case e.Type()&fs.ModeSymlink != 0:
			problems = append(problems, Problem{p, ProblemSymlink, "symbolic links are not followed"})
			continue
		case !e.IsDir():
			problems = append(problems, Problem{p, ProblemNotASet, "a file, not a set folder"})
			continue
		}
		t, err := ParseSetID(name)
		if err != nil {
			problems = append(problems, Problem{p, ProblemNotASet, err.Error()})
			continue
		}
		m, err := ReadMeta(p)
		switch {
		case err == nil:
		case gone(p):
			// Removed (renamed to .removing) by retention between ReadDir and now: it is no
			// longer here, and was a set until then; nothing to report.
			continue
		case errors.Is(err, fs.ErrNotExist) || (errors.Is(err, ErrNotASet) && !metaExists(p)):
			problems = append(problems, Problem{p, ProblemNotASet, "no " + FileMetadata})
			continue
		case errors.Is(err, ErrNotASet):
			problems = append(problems, Problem{p, ProblemBadMeta, err.Error()})
			continue
		default:
			problems = append(problems, Problem{p, ProblemUnreadable, err.Error()})
			continue
		}
		if m.ID != name || m.Server != server {
			problems = append(problems, Problem{p, ProblemBadMeta,
				fmt.Sprintf("%s names set %s/%s, the folder is %s/%s", FileMetadata, m.Server, m.ID, server, name)})
			continue
		}
		sets = append(sets, Set{ID: name, Time: t, Server: server, Policy: m.Policy,
			Dir: p, Destination: dest, Replica: replica, Meta: m})
	}
	return sets, problems
}

func metaExists(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, FileMetadata))
	return err == nil
}

// gone reports whether the folder p no longer exists.
func gone(p string) bool {
	_, err := os.Lstat(p)
	return errors.Is(err, fs.ErrNotExist)
}
