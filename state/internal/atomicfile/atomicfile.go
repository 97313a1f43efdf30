package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// WriteFile replaces path with data atomically and durably, with permissions perm.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: folder %s is not writable: %w", base, dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if runtime.GOOS != "windows" {
		if err := tmp.Chmod(perm); err != nil {
			return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
		}
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := RenameFile(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// Rename retries: on Windows, renaming over a file fails with "Access is denied" or a sharing
// violation while another process has the target open without FILE_SHARE_DELETE (a reader
// such as `vaultkeeper plan`, a virus scanner, a backup agent). Such holds last milliseconds
// to seconds, so the rename is retried with a doubling pause for up to RenameRetryFor.
var (
	RenameRetryFor   = 10 * time.Second
	renameFirstPause = 20 * time.Millisecond
	renameMaxPause   = time.Second
)

// RenameFile renames the file src over dst, retrying while dst is held open by another
// process on Windows (see RenameRetryFor). The error names both files.
func RenameFile(src, dst string) error {
	deadline := time.Now().Add(RenameRetryFor)
	pause := renameFirstPause
	for {
		err := os.Rename(src, dst)
		if err == nil {
			return nil
		}
		if !retryableRename(err) || time.Now().Add(pause).After(deadline) {
			return fmt.Errorf("rename %s to %s: %w", src, dst, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, renameMaxPause)
	}
}

// SyncFile flushes the file at path to stable storage. The file is opened for writing:
// Windows flushes only handles with write access (FlushFileBuffers on a read-only handle is
// "Access is denied"); nothing is written.
func SyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s for fsync: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", path, err)
	}
	return nil
}

// ReadFile reads path like os.ReadFile, retrying for up to RenameRetryFor while Windows
// reports a sharing violation: a writer is replacing the file (WriteFile's rename) at that
// instant.
func ReadFile(path string) ([]byte, error) {
	deadline := time.Now().Add(RenameRetryFor)
	pause := renameFirstPause
	for {
		b, err := os.ReadFile(path)
		if err == nil || !retryableRead(err) || time.Now().Add(pause).After(deadline) {
			return b, err
		}
		time.Sleep(pause)
		pause = min(2*pause, renameMaxPause)
	}
}
