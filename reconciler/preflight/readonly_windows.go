//go:build windows

package preflight

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isReadOnly reports a write refused by write-protected media (ERROR_WRITE_PROTECT) or an
// access denial (ERROR_ACCESS_DENIED, also what a read-only share answers).
func isReadOnly(err error) bool {
	return errors.Is(err, windows.ERROR_WRITE_PROTECT) || errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

// isNotDir reports a path through a file (ERROR_DIRECTORY); ERROR_PATH_NOT_FOUND already
// reads as fs.ErrNotExist.
func isNotDir(err error) bool { return errors.Is(err, windows.ERROR_DIRECTORY) }
