//go:build windows

package host

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// FreeBytes returns the space available to this user on the volume holding path (UNC paths included).
func FreeBytes(path string) (int64, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", path, err)
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", path, err)
	}
	return int64(avail), nil
}
