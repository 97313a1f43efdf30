package source

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
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

// handled is one event the folder's loop handled.
type handled struct {
	name             string
	ignored, pending bool
}

// eventLog records the events the loop of an observed folder source handled.
type eventLog struct {
	mu  sync.Mutex
	evs []handled
}

// newObservedFolder is newTestFolder with the loop's events recorded.
func newObservedFolder(t *testing.T, dir string) (Source, *eventLog) {
	t.Helper()
	l := &eventLog{}
	src, err := newFolder(dir, "", testDebounce, nil, func(name string, ignored, pending bool) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.evs = append(l.evs, handled{name, ignored, pending})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := src.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return src, l
}

// settled writes an ignored marker file into dir and waits until the loop has handled it:
// events arrive in order, so every earlier event has been handled too. It returns the events
// handled before the marker and whether a change is pending after it.
func (l *eventLog) settled(t *testing.T, dir string) (before []handled, pending bool) {
	t.Helper()
	marker := writeFile(t, dir, fmt.Sprintf(".marker-%d", time.Now().UnixNano()), "x\n")
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		for i, h := range l.evs {
			if h.name == marker {
				before = append([]handled(nil), l.evs[:i]...)
				l.evs = l.evs[i+1:]
				l.mu.Unlock()
				return before, h.pending
			}
		}
		l.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the folder loop never handled %s", marker)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// noChange asserts that no change is waiting on ch and none is pending in the loop (the
// positive evidence: the loop handled a marker written now, with no change pending).
func noChange(t *testing.T, ch <-chan struct{}, l *eventLog, dir string) {
	t.Helper()
	before, pending := l.settled(t, dir)
	if pending {
		t.Fatalf("a change is pending after %+v", before)
	}
	select {
	case <-ch:
		t.Fatalf("unexpected change after %+v", before)
	default:
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
	src, log := newObservedFolder(t, dir)
	// An editor's save: five writes, each within the debounce of the one before.
	for i := range 5 {
		writeFile(t, dir, "a.yaml", string(rune('a'+i))+"\n")
		time.Sleep(testDebounce / 5) // the spacing of the burst, inside one debounce window
	}
	waitChange(t, src.Changes(), 2*time.Second)
	noChange(t, src.Changes(), log, dir)
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
	// The loop added the watches on sub and sub/deeper while handling sub's create event,
	// which is what started the debounce whose change was just received.
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
	src, log := newObservedFolder(t, dir)
	rev, _, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, ".git/objects.yaml", "x\n")
	writeFile(t, dir, ".a.yaml.swp", "x\n")
	writeFile(t, dir, "a.yaml~", "x\n")
	noChange(t, src.Changes(), log, dir)

	writeFile(t, dir, "README.md", "docs\n") // may fire, but is not a manifest
	if _, pending := log.settled(t, dir); pending {
		waitChange(t, src.Changes(), 2*time.Second)
	}
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
