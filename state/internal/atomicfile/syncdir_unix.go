//go:build !windows

package atomicfile

import (
	"fmt"
	"os"
)

// SyncDir flushes a folder's entries (a rename, a new file) to stable storage.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s for fsync: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync folder %s: %w", dir, err)
	}
	return nil
}

// retryableRename is false on Unix: a rename over a file never fails because of readers.
func retryableRename(error) bool { return false }

// retryableRead is false on Unix: a rename never makes a read fail.
func retryableRead(error) bool { return false }
