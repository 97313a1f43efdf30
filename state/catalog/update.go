package catalog

import (
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
)

// Load reads the published set folder dir (<destination>/<server>/<setID>) into a Set, as
// Scan would find it.
func Load(destination, dir string, replica bool) (Set, error) {
	destination, dir = filepath.Clean(destination), filepath.Clean(dir)
	id, server := filepath.Base(dir), filepath.Base(filepath.Dir(dir))
	if filepath.Dir(filepath.Dir(dir)) != destination {
		return Set{}, fmt.Errorf("set %s: not <destination>/<server>/<setID> under %s", dir, destination)
	}
	t, err := ParseSetID(id)
	if err != nil {
		return Set{}, fmt.Errorf("set %s: %w", dir, err)
	}
	m, err := ReadMeta(dir)
	if err != nil {
		return Set{}, err
	}
	if m.ID != id || m.Server != server {
		return Set{}, fmt.Errorf("set %s: %s names set %s/%s: %w", dir, FileMetadata, m.Server, m.ID, ErrNotASet)
	}
	return Set{ID: id, Time: t, Server: server, Policy: m.Policy, Dir: dir, Destination: destination, Replica: replica, Meta: m}, nil
}

// With returns a catalog holding c's sets and sets, a set of sets replacing the one of
// c in the same folder. c is not changed: readers of c are not disturbed.
func (c *Catalog) With(sets ...Set) *Catalog {
	n := c.clone()
	for _, s := range sets {
		k := Key{s.Server, s.Policy}
		list := slicesDelete(n.sets[k], s.Dir)
		list = append(list, s)
		slices.SortFunc(list, func(a, b Set) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Destination, b.Destination))
		})
		n.sets[k] = list
	}
	return n
}

// Without returns a catalog holding c's sets but those in the folders dirs. c is not
// changed.
func (c *Catalog) Without(dirs ...string) *Catalog {
	n := c.clone()
	for _, d := range dirs {
		d = filepath.Clean(d)
		for k, list := range n.sets {
			n.sets[k] = slicesDelete(list, d)
			if len(n.sets[k]) == 0 {
				delete(n.sets, k)
			}
		}
	}
	return n
}

// clone copies the index (the sets themselves are shared: a Set is never modified).
func (c *Catalog) clone() *Catalog {
	n := &Catalog{sets: make(map[Key][]Set, len(c.sets))}
	for k, list := range maps.All(c.sets) {
		n.sets[k] = slices.Clone(list)
	}
	return n
}
