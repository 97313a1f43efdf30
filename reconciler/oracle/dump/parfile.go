package dump

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/state/secdir"
)

// ErrUnsafePassword is returned (wrapped) for a password a parfile cannot carry.
var ErrUnsafePassword = errors.New("password cannot be written to an Oracle parameter file")

// checkCredential rejects values that would break the userid line.
func checkCredential(user, password, alias string) error {
	if password == "" {
		return fmt.Errorf("%w: empty", ErrUnsafePassword)
	}
	for _, r := range password {
		if r < 0x20 || r == 0x7f || strings.ContainsRune("\"'#/@\\ \t", r) {
			return fmt.Errorf("%w: it holds one of \" ' # / @ \\, a space or a control character", ErrUnsafePassword)
		}
	}
	for _, v := range []string{user, alias} {
		if v == "" || strings.ContainsAny(v, "\"'#/@\\ \t\r\n\x00") {
			return fmt.Errorf("user %q / alias %q: want plain names", user, alias)
		}
	}
	return nil
}

// ParfileDirName is the folder of the state dir holding parfiles while a tool runs.
const ParfileDirName = "parfiles"

// ParfileDir is the parfile folder of stateDir.
func ParfileDir(stateDir string) string { return filepath.Join(stateDir, ParfileDirName) }

// ResetParfiles empties dir (the parfiles of tool runs a crash or kill -9 left behind,
// each holding a schema password) and recreates it private (0700, the protected DACL on
// Windows). The agent calls it at start-up, before any tool runs.
func ResetParfiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("parfile folder %s: %w", dir, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("removing leftover parfile %s: %w", filepath.Join(dir, e.Name()), err)
		}
	}
	if err := secdir.MkdirPrivate(dir); err != nil {
		return fmt.Errorf("parfile folder: %w", err)
	}
	return nil
}

// parfile writes lines (userid first) to a new 0600 file in a new private 0700 folder
// under dir (the system's temporary folder when dir is empty) and returns its path and a
// function that removes both.
func parfile(dir string, lines []string) (path string, cleanup func(), err error) {
	if dir != "" {
		if err := secdir.MkdirPrivate(dir); err != nil {
			return "", nil, fmt.Errorf("parfile folder: %w", err)
		}
	}
	run, err := os.MkdirTemp(dir, "vaultkeeper-parfile-")
	if err != nil {
		return "", nil, fmt.Errorf("parfile folder: %w", err)
	}
	cleanup = func() { _ = os.RemoveAll(run) }
	if err := os.Chmod(run, 0o700); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("parfile folder %q: %w", run, err)
	}
	path = filepath.Join(run, "dump.par")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("parfile %q: %w", path, err)
	}
	_, werr := f.WriteString(strings.Join(lines, "\n") + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		cleanup()
		return "", nil, fmt.Errorf("parfile %q: %w", path, werr)
	}
	return path, cleanup, nil
}
