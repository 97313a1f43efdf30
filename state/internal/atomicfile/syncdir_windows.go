//go:build windows

package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// SyncDir is a no-op on Windows: NTFS journals renames, and folders cannot be opened for
// FlushFileBuffers without backup privileges.
func SyncDir(string) error { return nil }

// retryableRename tells whether a failed rename may succeed once another process closes the
// target: MoveFileEx says "Access is denied" or reports a sharing or lock violation then.
func retryableRename(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// retryableRead tells whether a failed read may succeed in a moment: a sharing violation
// while a writer renames a new version over the file.
func retryableRead(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED)
}
