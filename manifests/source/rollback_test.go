package source

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The applied revision's checkout survives any number of newer revisions (that the agent
// may all reject as invalid), and the checkouts that are neither applied nor current go.
func TestAppliedRevisionNeverPruned(t *testing.T) {
	e := newGitEnv(t)
	cache := t.TempDir()
	var applied string
	src, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", CacheDir: cache, Timeout: 5 * time.Second,
		Applied: func() string { return applied }})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := fetchCtx(t)
	var heads []string
	for i := range 4 {
		heads = append(heads, e.commit(map[string]string{"a.yaml": strings.Repeat("x", i+1)}, "c"))
		e.push("main")
		rev, _, err := src.Fetch(ctx)
		if err != nil || rev.ID != heads[i] {
			t.Fatalf("fetch %d: %s, %v", i, rev.ID, err)
		}
		if i == 0 {
			applied = rev.ID // the later ones are "invalid": never applied
		}
	}
	want := []string{revPrefix + heads[0], revPrefix + heads[2], revPrefix + heads[3]}
	got := revDirs(t, cache)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("checkouts = %v, want the applied one, the previous and the current: %v", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(cache, revPrefix+heads[0], "a.yaml")); err != nil || string(b) != "x" {
		t.Fatalf("applied checkout damaged: %q, %v", b, err)
	}
}

// With a keyring, a signed revision that does not descend from the applied one (a force-push
// back to an older signed commit, or a rewritten branch) is refused unless AllowRollback.
func TestRollbackRefused(t *testing.T) {
	e := newGitEnv(t)
	gpg := newGPGHome(t)
	trusted := gpg.genKey("Trusted Signer <trusted@example.com>")
	keyring := writeFile(t, t.TempDir(), "keyring.asc", gpg.run("--armor", "--export", trusted))
	e.env = append(e.env, "GNUPGHOME="+gpg.dir)
	e.git("config", "gpg.program", gpg.bin)
	signed := "-S" + trusted

	cache := t.TempDir()
	var applied string
	open := func(allow bool) Source {
		t.Helper()
		src, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", CacheDir: cache, Timeout: 5 * time.Second,
			VerifyKeyring: keyring, AllowRollback: allow, Applied: func() string { return applied }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		return src
	}
	ctx := fetchCtx(t)

	// A shallow cache left by a run without a keyring is fetched again whole when needed.
	a := e.commit(map[string]string{"a.yaml": "a"}, "a", signed)
	e.commit(map[string]string{"a.yaml": "a2"}, "a2", signed) // b's parent: absent from a shallow cache
	b := e.commit(map[string]string{"a.yaml": "b"}, "b", signed)
	e.push("main")
	plain, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", CacheDir: cache, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rev, _, err := plain.Fetch(ctx); err != nil || rev.ID != b {
		t.Fatalf("plain fetch: %s, %v", rev.ID, err)
	}
	plain.Close()
	if _, err := os.Stat(filepath.Join(cache, "repo.git", "shallow")); err != nil {
		t.Fatalf("the plain fetch left a complete history (%v): the shallow case is not tested", err)
	}
	applied = a

	src := open(false)
	rev, _, err := src.Fetch(ctx)
	if err != nil || rev.ID != b {
		t.Fatalf("descendant of the applied revision: %s, %v", rev.ID, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "repo.git", "shallow")); err == nil {
		t.Error("the cache is still shallow after the descent check")
	}
	applied = b

	// Force-push back to a: refused, and the applied checkout stays.
	e.git("reset", "-q", "--hard", a)
	e.push("-f", "main")
	for range 2 { // polling the same refused commit answers the same
		rev, changed, err := src.Fetch(ctx)
		if !errors.Is(err, ErrRollback) || changed || rev.ID != a || rev.Dir != "" {
			t.Fatalf("rollback to %s: rev %s dir %q changed %v err %v; want ErrRollback", a, rev.ID, rev.Dir, changed, err)
		}
		for _, want := range []string{a, b, "--allow-rollback"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %s", err, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(cache, revPrefix+b)); err != nil {
		t.Fatalf("applied checkout gone: %v", err)
	}

	// A signed commit on top of a diverges from b: refused too.
	c := e.commit(map[string]string{"a.yaml": "c"}, "c", signed)
	e.push("-f", "main")
	if rev, _, err := src.Fetch(ctx); !errors.Is(err, ErrRollback) || rev.ID != c {
		t.Fatalf("diverging commit %s: %s, %v; want ErrRollback", c, rev.ID, err)
	}

	// --allow-rollback applies it.
	if rev, changed, err := open(true).Fetch(ctx); err != nil || !changed || rev.ID != c {
		t.Fatalf("with AllowRollback: %s changed %v err %v", rev.ID, changed, err)
	}
	applied = c
	d := e.commit(map[string]string{"a.yaml": "d"}, "d", signed)
	e.push("main")
	if rev, _, err := src.Fetch(ctx); err != nil || rev.ID != d {
		t.Fatalf("descendant of the new applied revision: %s, %v", rev.ID, err)
	}
}
