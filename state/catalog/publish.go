package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// Publish makes a finished `X.partial` folder the set `X`: it fsyncs every file and the
// folder, renames it, and fsyncs the parent. The folder must hold a valid vaultkeeper.json
// naming set X, and X must not exist yet.
func Publish(partialDir string) (string, error) {
	partialDir = filepath.Clean(partialDir)
	if !strings.HasSuffix(partialDir, PartialSuffix) {
		return "", fmt.Errorf("publish %s: not a %s folder", partialDir, PartialSuffix)
	}
	final := strings.TrimSuffix(partialDir, PartialSuffix)
	id := filepath.Base(final)
	if _, err := ParseSetID(id); err != nil {
		return "", fmt.Errorf("publish %s: %w", partialDir, err)
	}
	m, err := ReadMeta(partialDir)
	if err != nil {
		return "", fmt.Errorf("publish %s: %w", partialDir, err)
	}
	if m.ID != id {
		return "", fmt.Errorf("publish %s: %s names set %s", partialDir, FileMetadata, m.ID)
	}
	if _, err := os.Lstat(final); !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("publish %s: %s already exists (%v)", partialDir, final, err)
	}
	entries, err := os.ReadDir(partialDir)
	if err != nil {
		return "", fmt.Errorf("publish %s: %w", partialDir, err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			if err := atomicfile.SyncFile(filepath.Join(partialDir, e.Name())); err != nil {
				return "", fmt.Errorf("publish %s: %w", partialDir, err)
			}
		}
	}
	if err := atomicfile.SyncDir(partialDir); err != nil {
		return "", fmt.Errorf("publish %s: %w", partialDir, err)
	}
	if err := os.Rename(partialDir, final); err != nil {
		return "", fmt.Errorf("publish %s: %w", partialDir, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(final)); err != nil {
		return final, fmt.Errorf("published %s but: %w", final, err)
	}
	return final, nil
}

// ErrRefused is wrapped by Remove's errors when the path is not a set it may delete.
var ErrRefused = errors.New("refused to remove")

// Remove deletes the set folder setDir, which must be exactly `<destination>/<server>/<setID>`
// with a valid vaultkeeper.json naming that server and id; no part below destination may be a
// symbolic link. reason (required) is carried into errors; the caller logs it. The folder is
// first renamed to `<setID>.removing`, so an interrupted removal never leaves something that
// looks like a set; Scan reports such folders.
func Remove(destination, setDir, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("remove %s: %w: no reason given", setDir, ErrRefused)
	}
	refuse := func(why string, args ...any) error {
		return fmt.Errorf("remove %s (%s): %w: %s", setDir, reason, ErrRefused, fmt.Sprintf(why, args...))
	}
	if destination == "" || !filepath.IsAbs(destination) || !filepath.IsAbs(setDir) {
		return refuse("destination %q and set folder must be absolute paths", destination)
	}
	dest, dir := filepath.Clean(destination), filepath.Clean(setDir)
	rel, err := filepath.Rel(dest, dir)
	if err != nil {
		return refuse("not under destination %s", dest)
	}
	parts := strings.Split(rel, string(filepath.Separator))
	if len(parts) != 2 || !filepath.IsLocal(rel) {
		return refuse("not <destination>/<server>/<setID> under %s", dest)
	}
	server, id := parts[0], parts[1]
	if !validServer(server) {
		return refuse("server folder %q is not a valid name", server)
	}
	if _, err := ParseSetID(id); err != nil {
		return refuse("%v", err)
	}
	for _, p := range []string{filepath.Join(dest, server), dir} {
		st, err := os.Lstat(p)
		if err != nil {
			return refuse("%v", err)
		}
		if st.Mode()&fs.ModeSymlink != 0 || !st.IsDir() {
			return refuse("%s is a symbolic link or not a folder", p)
		}
	}
	m, err := ReadMeta(dir)
	if err != nil {
		return refuse("%v", err)
	}
	if m.ID != id || m.Server != server {
		return refuse("%s names set %s/%s", FileMetadata, m.Server, m.ID)
	}
	doomed := dir + RemovingSuffix
	// A leftover of an interrupted removal of the same set is already doomed; a folder is
	// never renamed onto an existing one (Windows refuses, and so does Linux unless empty).
	if err := os.RemoveAll(doomed); err != nil {
		return fmt.Errorf("remove %s (%s): leftover %s: %w", dir, reason, doomed, err)
	}
	if err := os.Rename(dir, doomed); err != nil {
		return fmt.Errorf("remove %s (%s): %w", dir, reason, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("remove %s (%s): %w", dir, reason, err)
	}
	if err := os.RemoveAll(doomed); err != nil {
		return fmt.Errorf("remove %s (%s): %w", doomed, reason, err)
	}
	return nil
}

// Remove deletes one set of the catalog (see the package function Remove) and drops it from
// the index.
func (c *Catalog) Remove(s Set, reason string) error {
	if err := Remove(s.Destination, s.Dir, reason); err != nil {
		return err
	}
	k := Key{s.Server, s.Policy}
	c.sets[k] = slicesDelete(c.sets[k], s.Dir)
	return nil
}

func slicesDelete(sets []Set, dir string) []Set {
	out := sets[:0]
	for _, s := range sets {
		if s.Dir != dir {
			out = append(out, s)
		}
	}
	return out
}
