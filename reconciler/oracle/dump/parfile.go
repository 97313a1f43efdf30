package dump

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// parfile writes lines (userid first) to a new 0600 file in a private 0700 folder and
// returns its path and a function that removes both.
func parfile(lines []string) (path string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "vaultkeeper-parfile-")
	if err != nil {
		return "", nil, fmt.Errorf("parfile folder: %w", err)
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	if err := os.Chmod(dir, 0o700); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("parfile folder %q: %w", dir, err)
	}
	path = filepath.Join(dir, "dump.par")
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
