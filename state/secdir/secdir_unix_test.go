//go:build !windows

package secdir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareUnix(t *testing.T) {
	for _, c := range []struct {
		name    string
		mode    os.FileMode // 0: the dir does not exist yet
		chown   bool        // owned by another uid (needs root)
		wantErr []string
	}{
		{name: "created when missing"},
		{name: "0700", mode: 0o700},
		{name: "0755 (others may read, not write)", mode: 0o755},
		{name: "group-writable", mode: 0o770, wantErr: []string{"writable by others", "mode 0770", "chmod 700"}},
		{name: "world-writable", mode: 0o777, wantErr: []string{"writable by others", "chmod 700"}},
		{name: "sticky world-writable", mode: 0o777 | os.ModeSticky, wantErr: []string{"writable by others"}},
		{name: "another owner", mode: 0o700, chown: true, wantErr: []string{"owned by uid 4242", "chown"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			if c.mode != 0 {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, c.mode); err != nil {
					t.Fatal(err)
				}
			}
			if c.chown {
				if os.Geteuid() != 0 {
					t.Skip("changing a folder's owner needs root")
				}
				if err := os.Chown(dir, 4242, 4242); err != nil {
					t.Fatal(err)
				}
			}
			var warned bool
			err := Prepare(dir, slogRecorder(&warned))
			if len(c.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				fi, err := os.Stat(dir)
				if err != nil {
					t.Fatal(err)
				}
				if c.mode == 0 && fi.Mode().Perm() != 0o700 {
					t.Errorf("created with mode %v, want 0700", fi.Mode().Perm())
				}
				return
			}
			if err == nil {
				t.Fatal("a state dir others can write was accepted")
			}
			for _, w := range append(c.wantErr, dir) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestOnlyTheDirItself: a world-writable parent (like /tmp) is not the agent's business.
func TestOnlyTheDirItself(t *testing.T) {
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(filepath.Join(parent, "state"), slogRecorder(new(bool))); err != nil {
		t.Fatal(err)
	}
}

func TestMkdirPrivateRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "state")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := MkdirPrivate(f); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("MkdirPrivate on a file: %v", err)
	}
}
