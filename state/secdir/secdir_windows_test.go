//go:build windows

package secdir

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/windows"
)

// TestDACL: the state dir, a file and a folder already in it, and a file created after,
// grant access to SYSTEM, Administrators and the agent's account only, and inherit nothing
// from the parent folder. Under Wine, which accepts a DACL but keeps one derived from the
// Unix mode, the test says that the DACL is not proven rather than passing.
func TestDACL(t *testing.T) {
	base, err := os.MkdirTemp("", "secdir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) }) // Wine 8 cannot always remove: not this test's subject
	dir := filepath.Join(base, "state")
	if err := os.MkdirAll(filepath.Join(dir, "runs"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "api-token"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Secure(dir); err != nil {
		if errors.Is(err, ErrNoACL) && underWine() {
			t.Skipf("NOT PROVEN: Wine cannot keep ACLs (%v); this test needs real Windows on NTFS", err)
		}
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "runs", "later.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := selfSID()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"S-1-5-18", "S-1-5-32-544", self}
	slices.Sort(want)
	want = slices.Compact(want) // the agent may itself be SYSTEM
	for _, p := range []string{dir, filepath.Join(dir, "api-token"), filepath.Join(dir, "runs"), filepath.Join(dir, "runs", "later.json")} {
		protected, sids, err := readDACL(p)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(sids)
		if !slices.Equal(slices.Compact(sids), want) {
			t.Errorf("%s: entries for %v, want exactly %v", p, sids, want)
		}
		// A file created later inherits the state dir's entries (and only those).
		if p != filepath.Join(dir, "runs", "later.json") && !protected {
			t.Errorf("%s: the DACL is not protected: it inherits the parent's entries", p)
		}
	}
}

// TestPrepareGoesOnWithoutACL: where the DACL cannot be kept, Prepare warns and the agent
// starts (FAT, Wine); on NTFS it succeeds outright.
func TestPrepareGoesOnWithoutACL(t *testing.T) {
	base, err := os.MkdirTemp("", "secdir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	var warned bool
	log := slogRecorder(&warned)
	if err := Prepare(filepath.Join(base, "state"), log); err != nil {
		t.Fatal(err)
	}
	if underWine() && !warned {
		t.Error("Wine cannot keep the DACL, yet Prepare did not warn")
	}
}

// underWine reports whether the test runs under Wine (its ntdll exports wine_get_version).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
