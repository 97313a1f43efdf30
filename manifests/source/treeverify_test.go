package source

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestCheckoutReverifiedBeforeReuse: a cached checkout changed while the agent was down (a
// file edited, added, removed, replaced by a symlink) fails Reverify and is checked out
// afresh by the next Fetch instead of being reused; an intact one is reused as it is.
func TestCheckoutReverifiedBeforeReuse(t *testing.T) {
	e := newGitEnv(t)
	head := e.commit(map[string]string{
		"prod/servers/a.yaml":   "kind: Server\n",
		"prod/policies/p.yaml":  "kind: BackupPolicy\n",
		"prod/README":           "not a manifest\n",
		"other/x.yaml":          "kind: Server\n",
		"prod/deep/er/est.yaml": "# deep\n",
	}, "first")
	if runtime.GOOS != "windows" {
		if err := os.Symlink("a.yaml", filepath.Join(e.work, "prod", "servers", "link.yaml")); err != nil {
			t.Fatal(err)
		}
		e.git("add", "-A")
		e.git("commit", "-q", "-m", "a symlink, which checkouts skip")
		head = e.git("rev-parse", "HEAD")
	}
	e.push("main")
	cache := t.TempDir()
	open := func() *gitSource {
		src, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", Path: "prod", CacheDir: cache, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		return src.(*gitSource)
	}
	rev, _, err := open().Fetch(fetchCtx(t))
	if err != nil || rev.ID != head {
		t.Fatalf("first fetch: %v, %v", rev.ID, err)
	}
	dir := filepath.Join(rev.Dir, rev.Path)
	if err := open().Reverify(rev.ID, dir); err != nil {
		t.Fatalf("an intact checkout does not verify: %v", err)
	}
	a := filepath.Join(rev.Dir, "prod", "servers", "a.yaml")
	for _, c := range []struct {
		name   string
		tamper func() error
	}{
		{"file edited", func() error { return os.WriteFile(a, []byte("kind: Server\n# planted\n"), 0o644) }},
		{"file added", func() error {
			return os.WriteFile(filepath.Join(rev.Dir, "prod", "planted.yaml"), []byte("kind: Restore\n"), 0o644)
		}},
		{"file added outside the path", func() error { return os.WriteFile(filepath.Join(rev.Dir, "x.yaml"), nil, 0o644) }},
		{"file removed", func() error { return os.Remove(filepath.Join(rev.Dir, "prod", "policies", "p.yaml")) }},
		{"deep file edited", func() error {
			return os.WriteFile(filepath.Join(rev.Dir, "prod", "deep", "er", "est.yaml"), []byte("# Deep\n"), 0o644)
		}},
		{"file replaced by a symlink", func() error {
			if runtime.GOOS == "windows" {
				return os.WriteFile(a, nil, 0o644)
			}
			if err := os.Remove(a); err != nil {
				return err
			}
			return os.Symlink(filepath.Join(rev.Dir, "other", "x.yaml"), a)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.tamper(); err != nil {
				t.Fatal(err)
			}
			// A restarted agent: a new source on the same cache.
			err := open().Reverify(rev.ID, dir)
			if !errors.Is(err, errCheckoutChanged) {
				t.Fatalf("Reverify of a changed checkout: %v", err)
			}
			again, _, err := open().Fetch(fetchCtx(t))
			if err != nil || again.ID != head || again.Dir != rev.Dir {
				t.Fatalf("fetch: %+v, %v", again, err)
			}
			if err := open().Reverify(rev.ID, dir); err != nil {
				t.Fatalf("the checkout was reused as it was: %v", err)
			}
			if got := readFile(t, a); got != "kind: Server\n" {
				t.Errorf("a.yaml = %q after the new checkout", got)
			}
		})
	}
	if err := open().Reverify(rev.ID, filepath.Join(t.TempDir(), "elsewhere")); err == nil {
		t.Error("a folder that is not this source's checkout verified")
	}
}

// TestReverifyChecksTheSignature: with a keyring, the last applied commit must still be
// signed by it (the keyring may have changed while the agent was down).
func TestReverifyChecksTheSignature(t *testing.T) {
	e := newGitEnv(t)
	gpg := newGPGHome(t)
	trusted := gpg.genKey("Trusted Signer <trusted@example.com>")
	other := gpg.genKey("Other Signer <other@example.com>")
	e.env = append(e.env, "GNUPGHOME="+gpg.dir)
	e.git("config", "gpg.program", gpg.bin)
	head := e.commit(map[string]string{"a.yaml": "kind: Server\n"}, "signed", "-S"+trusted)
	e.push("main")
	cache := t.TempDir()
	open := func(fpr string) *gitSource {
		keyring := writeFile(t, t.TempDir(), "keyring.asc", gpg.run("--armor", "--export", fpr))
		src, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", CacheDir: cache, VerifyKeyring: keyring, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		return src.(*gitSource)
	}
	rev, _, err := open(trusted).Fetch(fetchCtx(t))
	if err != nil || rev.ID != head {
		t.Fatalf("fetch: %s, %v", rev.ID, err)
	}
	if err := open(trusted).Reverify(rev.ID, rev.Dir); err != nil {
		t.Fatalf("Reverify with the signer's keyring: %v", err)
	}
	if err := open(other).Reverify(rev.ID, rev.Dir); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("Reverify with another keyring: %v, want ErrNotSigned", err)
	}
}
