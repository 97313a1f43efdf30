//go:build windows

package atomicfile

// SyncDir is a no-op on Windows: NTFS journals renames, and folders cannot be opened for
// FlushFileBuffers without backup privileges.
func SyncDir(string) error { return nil }
