//go:build !windows

package preflight

import (
	"errors"
	"syscall"
)

// isReadOnly reports a write refused by a read-only file system (EROFS).
func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }

// isNotDir reports a path through a file (ENOTDIR): the folder does not exist.
func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }
