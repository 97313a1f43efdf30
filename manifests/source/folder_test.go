package source

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

const testDebounce = 50 * time.Millisecond

func newTestFolder(t *testing.T, dir string) Source {
	t.Helper()
	src, err := NewFolder(dir, "", testDebounce, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := src.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return src
}

// waitChange waits for one value on ch and returns how long it took.
func waitChange(t *testing.T, ch <-chan struct{}, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-ch:
		return time.Since(start)
	case <-time.After(within):
		t.Fatalf("no change within %v", within)
		return 0
	}
}

// noChange asserts that ch stays quiet for d.
func noChange(t *testing.T, ch <-chan struct{}, d time.Duration) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("unexpected change")
	case <-time.After(d):
	}
}

func TestFolderEditDetected(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", "kind: Server\n")
	src := newTestFolder(t, dir)
	ctx := context.Background()

	rev, changed, err := src.Fetch(ctx)
	if err != nil || !changed || rev.Dir == "" || len(rev.ID) != len("sha256:")+64 {
		t.Fatalf("first Fetch = %+v, changed %v, err %v", rev, changed, err)
	}
	if _, changed, _ := src.Fetch(ctx); changed {
		t.Error("second Fetch without edits reports changed")
	}

	start := time.Now()
	writeFile(t, dir, "a.yaml", "kind: Server\nspec: {}\n")
	waitChange(t, src.Changes(), 2*time.Second)
	if d := time.Since(start); d < testDebounce {
		t.Errorf("change fired after %v, before the debounce of %v", d, testDebounce)
	}
	rev2, changed, err := src.Fetch(ctx)
	if err != nil || !changed || rev2.ID == rev.ID {
		t.Fatalf("Fetch after edit = %s, changed %v, err %v", rev2.ID, changed, err)
	}
}

func TestFolderBurstCoalesced(t *testing.T) {
	dir := t.TempDir()
	src := newTestFolder(t, dir)
	// An editor's save: create a temp file, write it in pieces, rename over the target.
	for i := range 5 {
		writeFile(t, dir, "a.yaml", string(rune('a'+i))+"\n")
		time.Sleep(testDebounce / 5)
	}
	waitChange(t, src.Changes(), 2*time.Second)
	noChange(t, src.Changes(), 3*testDebounce)
}

func TestFolderNewSubfolderWatched(t *testing.T) {
	dir := t.TempDir()
	src := newTestFolder(t, dir)
	writeFile(t, dir, "sub/deeper/b.yaml", "one\n")
	waitChange(t, src.Changes(), 2*time.Second)
	rev, _, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * testDebounce) // let the watches on the new folders settle
	writeFile(t, dir, "sub/deeper/b.yaml", "two\n")
	waitChange(t, src.Changes(), 2*time.Second)
	rev2, changed, err := src.Fetch(context.Background())
	if err != nil || !changed || rev2.ID == rev.ID {
		t.Fatalf("edit in new subfolder: changed %v, err %v", changed, err)
	}
}

func TestFolderIgnoresDotDirsAndOtherFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, ".git/HEAD", "ref\n")
	writeFile(t, dir, "a.yaml", "a\n")
	src := newTestFolder(t, dir)
	rev, _, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, ".git/objects.yaml", "x\n")
	writeFile(t, dir, ".a.yaml.swp", "x\n")
	writeFile(t, dir, "a.yaml~", "x\n")
	noChange(t, src.Changes(), 3*testDebounce)

	writeFile(t, dir, "README.md", "docs\n") // may fire, but is not a manifest
	time.Sleep(3 * testDebounce)
	rev2, changed, err := src.Fetch(context.Background())
	if err != nil || changed || rev2.ID != rev.ID {
		t.Errorf("non-manifest edits changed the revision: %s → %s, changed %v, err %v", rev.ID, rev2.ID, changed, err)
	}
}

func TestFolderPath(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "prod/a.yaml", "a\n")
	writeFile(t, dir, "staging/b.yaml", "b\n")
	src, err := NewFolder(dir, "prod", testDebounce, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rev, _, err := src.Fetch(context.Background())
	if err != nil || rev.Path != "prod" || rev.Dir != dir {
		t.Fatalf("Fetch = %+v, %v", rev, err)
	}
	writeFile(t, dir, "staging/b.yaml", "changed\n")
	if rev2, changed, _ := src.Fetch(context.Background()); changed || rev2.ID != rev.ID {
		t.Error("an edit outside --path changed the revision")
	}
	for _, bad := range []string{"missing", "../x", "prod/a.yaml"} {
		if s, err := NewFolder(dir, bad, 0, nil); err == nil {
			s.Close()
			t.Errorf("NewFolder(path %q) succeeded", bad)
		}
	}
}

func TestDigestFolder(t *testing.T) {
	type tree map[string]string
	digest := func(t *testing.T, files tree) string {
		dir := t.TempDir()
		for p, c := range files {
			writeFile(t, dir, p, c)
		}
		id, _, err := digestFolder(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	base := tree{"a.yaml": "a", "sub/b.yml": "b"}
	cases := []struct {
		name  string
		other tree
		same  bool
	}{
		{"identical", tree{"sub/b.yml": "b", "a.yaml": "a"}, true},
		{"non-manifest file added", tree{"a.yaml": "a", "sub/b.yml": "b", "notes.txt": "x"}, true},
		{"dot-dir added", tree{"a.yaml": "a", "sub/b.yml": "b", ".git/c.yaml": "x"}, true},
		{"content changed", tree{"a.yaml": "A", "sub/b.yml": "b"}, false},
		{"file renamed", tree{"c.yaml": "a", "sub/b.yml": "b"}, false},
		{"file moved", tree{"a.yaml": "a", "b.yml": "b"}, false},
		{"bytes shifted from name to content", tree{"a.yam": "la", "sub/b.yml": "b"}, false},
		{"upper-case extension counts", tree{"a.yaml": "a", "sub/b.yml": "b", "C.YAML": "c"}, false},
	}
	want := digest(t, base)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := digest(t, c.other); (got == want) != c.same {
				t.Errorf("digest equal = %v, want %v", got == want, c.same)
			}
		})
	}
}

func TestNewPicksSource(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		in  string
		git bool
	}{
		{"https://github.com/org/repo.git", true},
		{"http://127.0.0.1:8080/repo.git", true},
		{"ssh://git@host:2222/repo.git", true},
		{"git@github.com:org/repo.git", true},
		{"file:///srv/git/repo.git", true},
		{"/srv/manifests", false},
		{"./manifests", false},
		{`C:\ProgramData\vaultkeeper\manifests`, false},
		{`\\nas01\share\manifests`, false},
	}
	for _, c := range cases {
		if got := IsGitURL(c.in); got != c.git {
			t.Errorf("IsGitURL(%q) = %v, want %v", c.in, got, c.git)
		}
	}
	src, err := New(GitOptions{URL: dir}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*folderSource); !ok {
		t.Errorf("New(folder) = %T", src)
	}
	src.Close()
	if _, err := New(GitOptions{URL: dir, VerifyKeyring: filepath.Join(dir, "k.asc")}, 0); err == nil {
		t.Error("New accepted a keyring for a folder source")
	}
	if _, err := New(GitOptions{URL: dir, Branch: "main"}, 0); err == nil {
		t.Error("New accepted a branch for a folder source")
	}
	if _, err := New(GitOptions{URL: dir, Auth: AuthOptions{TokenFile: "token"}}, 0); err == nil {
		t.Error("New accepted credentials for a folder source")
	}
}
