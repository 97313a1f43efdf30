//go:build !windows

package host

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// FreeBytes returns the space available to this user on the filesystem holding path.
func FreeBytes(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", path, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
