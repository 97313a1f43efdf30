//go:build !windows

package preflight

import (
	"errors"
	"syscall"
)

// isReadOnly reports a write refused by a read-only file system (EROFS).
func isReadOnly(err error) bool { return errors.Is(err, syscall.EROFS) }
