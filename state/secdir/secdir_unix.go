//go:build !windows

package secdir

import (
	"fmt"
	"os"
	"syscall"
)

// protectTree is a no-op on Unix: the state dir's own mode (0700) and the 0600 files the
// store writes already keep others out; checkNotWritableByOthers refuses the rest.
func protectTree(string) error { return nil }

// protect gives a folder created by MkdirPrivate its mode despite the umask.
func protect(path string, isDir bool) error {
	if !isDir {
		return os.Chmod(path, 0o600)
	}
	return os.Chmod(path, 0o700)
}

// fixHint says how an administrator makes dir private by hand.
func fixHint(dir string) string { return "fix it with: chmod 700 " + dir }

// checkNotWritableByOthers refuses a state dir with a group or world write bit, or owned by
// another user than the agent's.
func checkNotWritableByOthers(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state dir %s: %w", dir, err)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("state dir %s is writable by others (mode %04o): they could plant journals or read the API token; fix it with: chmod 700 %s", dir, perm, dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Geteuid(); int(st.Uid) != uid {
			return fmt.Errorf("state dir %s is owned by uid %d, not by the agent's uid %d, who could change it: fix it with: chown -R %d %s && chmod 700 %s", dir, st.Uid, uid, uid, dir, dir)
		}
	}
	return nil
}
