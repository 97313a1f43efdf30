//go:build windows

package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestReadFileWhileReplaced: while a writer holds the file without sharing it (as MoveFileEx
// does while it replaces it), a reader gets a sharing violation; ReadFile waits for the
// writer instead of failing (issue 18: `vaultkeeper plan` and tests reading status.json).
func TestReadFileWhileReplaced(t *testing.T) {
	p := filepath.Join(t.TempDir(), "status.json")
	if err := os.WriteFile(p, []byte("content"), 0o600); err != nil {
		t.Fatal(err)
	}
	name, _ := windows.UTF16PtrFromString(p)
	h, err := windows.CreateFile(name, windows.GENERIC_READ|windows.DELETE, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(p); err == nil {
		windows.CloseHandle(h)
		t.Fatal("os.ReadFile succeeded while the file is held unshared: the test shows nothing")
	}
	done := make(chan error, 1)
	var got []byte
	go func() {
		var err error
		got, err = ReadFile(p)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // the reader is now retrying (it cannot have succeeded)
	windows.CloseHandle(h)
	if err := <-done; err != nil || string(got) != "content" {
		t.Fatalf("ReadFile = %q, %v; want the content once the writer let go", got, err)
	}
}
