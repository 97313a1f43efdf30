package secdir

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
)

// ErrNoACL is returned (wrapped) where the file system or the system cannot hold the
// protected DACL (FAT, Wine).
var ErrNoACL = errors.New("access control lists cannot be set here")

// errIncomplete is wrapped when the state dir itself is protected but some files in it
// kept their rules (a file held open by another program): the agent warns and goes on.
var errIncomplete = errors.New("some files in the state dir kept their access rules")

// Prepare makes dir (created 0700 when missing) private before the agent uses it: on
// Windows it sets the protected DACL on dir and everything in it (warning on log where
// that is impossible); elsewhere it refuses a dir that others can write.
func Prepare(dir string, log *slog.Logger) error {
	switch err := Secure(dir); {
	case err == nil:
	case errors.Is(err, ErrNoACL):
		log.Warn("the state dir cannot be protected by an ACL: local users may read the API token and plant files; put it on NTFS", "dir", dir, "err", err)
	case errors.Is(err, errIncomplete):
		log.Warn("the state dir is protected, but not every file in it", "dir", dir, "err", err)
	default:
		return fmt.Errorf("%w; %s", err, fixHint(dir))
	}
	return checkNotWritableByOthers(dir)
}

// Secure creates dir when missing (0700) and sets the private access rules on it and on
// every file and folder under it. `vaultkeeper service install` calls it so the service
// starts on a protected dir.
func Secure(dir string) error {
	if err := MkdirPrivate(dir); err != nil {
		return err
	}
	return protectTree(dir)
}

// MkdirPrivate creates dir and its missing parents, the last one 0700 (with the protected
// DACL on Windows). An existing dir is left as it is on Unix.
func MkdirPrivate(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("state dir %s: not a folder", dir)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := protect(dir, true); err != nil && !errors.Is(err, ErrNoACL) {
		return err
	}
	return nil
}
