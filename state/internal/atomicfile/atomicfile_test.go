package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	for _, content := range []string{"first", "second, longer content", "3"} {
		if err := WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v, %v; want 0600", st.Mode(), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

// ReadOnlyDir makes dir unwritable, also for root (chattr +i), or skips the test.
func ReadOnlyDir(t testing.TB, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("running as root and chattr +i is unavailable here, cannot make %s read-only: %v %s", dir, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
}

func TestWriteFileReadOnlyDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permissions differ on Windows")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	ReadOnlyDir(t, dir)
	err := WriteFile(p, []byte("new"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "not writable") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v, want a 'not writable' error naming %s", err, dir)
	}
	if got, _ := os.ReadFile(p); string(got) != "old" {
		t.Fatalf("content after failed write = %q, want old", got)
	}
}

// TestSyncFile flushes a finished file. On Windows the flush needs a writable handle: a
// read-only one is "Access is denied", which failed every publish (issue 18).
func TestSyncFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "files.zip")
	if err := os.WriteFile(p, []byte("content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SyncFile(p); err != nil {
		t.Fatalf("SyncFile: %v", err)
	}
	if got, _ := os.ReadFile(p); string(got) != "content" {
		t.Fatalf("content after SyncFile = %q, want it unchanged", got)
	}
	if err := SyncFile(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("SyncFile of a missing file: %v, want an error naming it", err)
	}
}

// TestWriteFileWhileTargetIsOpen replaces a file another reader holds open. On Windows the
// rename fails while the reader holds it (no FILE_SHARE_DELETE), so WriteFile must retry
// until the reader closes instead of failing (issue 18: status.json and `vaultkeeper plan`).
func TestWriteFileWhileTargetIsOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "status.json")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	reader, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- WriteFile(p, []byte("new"), 0o600) }()
	// Close the reader once WriteFile is at its rename (its temporary file is written) or done.
	var werr error
	finished := false
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && !finished; {
		select {
		case werr = <-done:
			finished = true
		case <-time.After(20 * time.Millisecond):
			if tmps, _ := filepath.Glob(filepath.Join(dir, ".status.json.tmp-*")); len(tmps) > 0 {
				reader.Close()
			}
		}
	}
	reader.Close()
	if !finished {
		werr = <-done
	}
	if werr != nil {
		t.Fatalf("WriteFile over a file held open by a reader: %v", werr)
	}
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Fatalf("content = %q, want new", got)
	}
}

// TestRenameFileGivesUp: a rename that cannot succeed ends with an error naming both files.
func TestRenameFileGivesUp(t *testing.T) {
	dir := t.TempDir()
	err := RenameFile(filepath.Join(dir, "missing"), filepath.Join(dir, "target"))
	if err == nil || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), "target") {
		t.Fatalf("err = %v, want an error naming both files", err)
	}
}
