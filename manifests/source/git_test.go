package source

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGitHTTPPolling walks one source through the life of a repository served by git
// http-backend: first fetch, idle polls, a new commit, a force-push.
func TestGitHTTPPolling(t *testing.T) {
	e := newGitEnv(t)
	first := e.commit(map[string]string{"clusters/prod/server.yaml": "kind: Server\n# v1\n"}, "first")
	e.push("main")
	srv := newGitServer(e, "agent", "s3cret-token")
	cache := t.TempDir()
	src, err := NewGit(GitOptions{
		URL: srv.repoURL(), Branch: "main", Path: "clusters/prod", CacheDir: cache,
		Auth:    AuthOptions{Username: "agent", TokenFile: writeFile(t, t.TempDir(), "token", "s3cret-token\n")},
		Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Changes() != nil {
		t.Error("git source: Changes() should be nil")
	}
	ctx := fetchCtx(t)

	rev, changed, err := src.Fetch(ctx)
	if err != nil || !changed || rev.ID != first {
		t.Fatalf("first fetch = %q, changed %v, err %v; want %s, true", rev.ID, changed, err, first)
	}
	if got := readFile(t, filepath.Join(rev.Dir, rev.Path, "server.yaml")); got != "kind: Server\n# v1\n" {
		t.Errorf("checkout content = %q", got)
	}
	if rev.Path != "clusters/prod" || rev.Time.IsZero() || rev.Signature.Checked {
		t.Errorf("revision = %+v", rev)
	}
	firstDir := rev.Dir

	packs := srv.uploadPacks.Load()
	for i := range 3 {
		again, changed, err := src.Fetch(ctx)
		if err != nil || changed || again.ID != first || again.Dir != firstDir {
			t.Fatalf("idle poll %d = %+v, changed %v, err %v", i, again, changed, err)
		}
	}
	if n := srv.uploadPacks.Load() - packs; n != 0 {
		t.Errorf("idle polls made %d git-upload-pack requests, want 0", n)
	}

	second := e.commit(map[string]string{"clusters/prod/server.yaml": "kind: Server\n# v2\n"}, "second")
	e.push("main")
	rev, changed, err = src.Fetch(ctx)
	if err != nil || !changed || rev.ID != second {
		t.Fatalf("after push = %q, changed %v, err %v; want %s", rev.ID, changed, err, second)
	}
	if got := readFile(t, filepath.Join(rev.Dir, rev.Path, "server.yaml")); got != "kind: Server\n# v2\n" {
		t.Errorf("checkout content after push = %q", got)
	}
	if _, err := os.Stat(firstDir); err != nil {
		t.Errorf("previous checkout %s should be kept while the caller may read it: %v", firstDir, err)
	}
	secondDir := rev.Dir

	e.commit(map[string]string{"clusters/prod/server.yaml": "kind: Server\n# amended\n"}, "second, amended", "--amend")
	amended := e.git("rev-parse", "HEAD")
	e.push("--force", "main")
	rev, changed, err = src.Fetch(ctx)
	if err != nil || !changed || rev.ID != amended {
		t.Fatalf("after force-push = %q, changed %v, err %v; want %s", rev.ID, changed, err, amended)
	}
	if got := readFile(t, filepath.Join(rev.Dir, rev.Path, "server.yaml")); got != "kind: Server\n# amended\n" {
		t.Errorf("checkout content after force-push = %q", got)
	}
	if _, err := os.Stat(firstDir); !os.IsNotExist(err) {
		t.Errorf("checkout %s two revisions old should be removed: %v", firstDir, err)
	}
	if _, err := os.Stat(secondDir); err != nil {
		t.Errorf("previous checkout %s should be kept: %v", secondDir, err)
	}
	if got := revDirs(t, cache); len(got) != 2 {
		t.Errorf("cache holds checkouts %v, want the current and the previous", got)
	}

	// A force-push back to an older commit (not descending from the current one).
	e.git("reset", "-q", "--hard", first)
	e.push("--force", "main")
	rev, changed, err = src.Fetch(ctx)
	if err != nil || !changed || rev.ID != first {
		t.Fatalf("after force-push back = %q, changed %v, err %v; want %s", rev.ID, changed, err, first)
	}
}

func revDirs(t *testing.T, cache string) []string {
	t.Helper()
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), revPrefix) || strings.HasPrefix(e.Name(), ".tmp") {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// TestGitPins checks branch, tag and commit pins over http and file://.
func TestGitPins(t *testing.T) {
	e := newGitEnv(t)
	a := e.commit(map[string]string{"a.yaml": "a\n"}, "a")
	e.git("tag", "v1")
	e.git("branch", "release")
	b := e.commit(map[string]string{"a.yaml": "b\n"}, "b")
	e.git("tag", "-a", "-m", "annotated", "v2")
	e.push("main", "release", "v1", "v2")
	srv := newGitServer(e, "agent", "pw")
	token := writeFile(t, t.TempDir(), "token", "pw")

	pins := []struct {
		name                string
		branch, tag, commit string
		want, content       string
	}{
		{name: "default branch", want: b, content: "b\n"},
		{name: "branch", branch: "release", want: a, content: "a\n"},
		{name: "lightweight tag", tag: "v1", want: a, content: "a\n"},
		{name: "annotated tag", tag: "v2", want: b, content: "b\n"},
		{name: "commit", commit: a, want: a, content: "a\n"},
	}
	transports := []struct {
		name string
		url  string
		auth AuthOptions
	}{
		{"http", srv.repoURL(), AuthOptions{Username: "agent", TokenFile: token}},
		{"file", e.fileURL(), AuthOptions{}},
	}
	for _, tr := range transports {
		for _, p := range pins {
			t.Run(tr.name+"/"+p.name, func(t *testing.T) {
				src, err := NewGit(GitOptions{URL: tr.url, Branch: p.branch, Tag: p.tag, Commit: p.commit,
					CacheDir: t.TempDir(), Auth: tr.auth, Timeout: 5 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				defer src.Close()
				ctx := fetchCtx(t)
				rev, changed, err := src.Fetch(ctx)
				if err != nil || !changed || rev.ID != p.want {
					t.Fatalf("Fetch = %q, changed %v, err %v; want %s", rev.ID, changed, err, p.want)
				}
				if got := readFile(t, filepath.Join(rev.Dir, "a.yaml")); got != p.content {
					t.Errorf("a.yaml = %q, want %q", got, p.content)
				}
				reqs, packs := srv.requests.Load(), srv.uploadPacks.Load()
				if _, changed, err := src.Fetch(ctx); err != nil || changed {
					t.Errorf("second Fetch: changed %v, err %v", changed, err)
				}
				if n := srv.uploadPacks.Load() - packs; n != 0 {
					t.Errorf("second Fetch made %d pack requests", n)
				}
				if n := srv.requests.Load() - reqs; p.commit != "" && n != 0 {
					t.Errorf("a commit pin made %d requests after its checkout, want none", n)
				}
			})
		}
	}
}

// TestGitErrors checks that failures are reported, and never with the secret in them.
func TestGitErrors(t *testing.T) {
	e := newGitEnv(t)
	e.commit(map[string]string{"a.yaml": "a\n"}, "a")
	e.push("main")
	srv := newGitServer(e, "agent", "right-password")
	down := newGitServer(e, "agent", "right-password")
	down.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	withUserInfo := strings.Replace(srv.repoURL(), "http://", "http://agent:url-secret-pw@", 1)

	cases := []struct {
		name    string
		url     string
		token   string
		branch  string
		secret  string // must not appear in the error
		wantSub string
		hangs   bool // the remote never answers: the timeout must end the call
	}{
		{name: "wrong token", url: srv.repoURL(), token: "wrong-secret-token", secret: "wrong-secret-token", wantSub: "127.0.0.1"},
		{name: "wrong password in url", url: withUserInfo, secret: "url-secret-pw", wantSub: "127.0.0.1"},
		{name: "remote down", url: down.repoURL(), token: "right-password", secret: "right-password", wantSub: "127.0.0.1"},
		{name: "missing branch", url: srv.repoURL(), token: "right-password", branch: "nope", secret: "right-password", wantSub: "nope"},
		{name: "missing repository", url: e.fileURL() + "-missing", wantSub: "repo.git-missing"},
		{name: "remote hangs", url: hang.URL + "/repo.git", wantSub: "127.0.0.1", hangs: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Only the hanging remote needs the timeout to end the call; the others answer,
			// so they get a timeout a loaded machine cannot reach.
			timeout := 30 * time.Second
			if c.hangs {
				timeout = time.Second
			}
			o := GitOptions{URL: c.url, Branch: c.branch, CacheDir: t.TempDir(), Timeout: timeout}
			if c.token != "" {
				o.Auth = AuthOptions{Username: "agent", TokenFile: writeFile(t, t.TempDir(), "token", c.token)}
			}
			src, err := NewGit(o)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			start := time.Now()
			rev, _, err := src.Fetch(fetchCtx(t))
			if d := time.Since(start); c.hangs && d > 20*o.Timeout {
				t.Errorf("Fetch took %v despite a timeout of %v", d, o.Timeout)
			}
			if err == nil {
				t.Fatalf("Fetch = %+v, want an error", rev)
			}
			t.Logf("error: %v", err)
			if c.secret != "" && strings.Contains(err.Error(), c.secret) {
				t.Errorf("error leaks the secret: %v", err)
			}
			if !strings.Contains(err.Error(), c.wantSub) {
				t.Errorf("error %q does not name %q", err, c.wantSub)
			}
		})
	}
}

func TestNewGitRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	key := writeFile(t, dir, "id_ed25519", "not a key")
	cases := []struct {
		name    string
		o       GitOptions
		wantSub string
	}{
		{"two pins", GitOptions{URL: "https://h/r.git", Branch: "main", Tag: "v1", CacheDir: dir}, "at most one"},
		{"short commit", GitOptions{URL: "https://h/r.git", Commit: "abc123", CacheDir: dir}, "40-character"},
		{"no cache dir", GitOptions{URL: "https://h/r.git"}, "cache dir"},
		{"path escapes", GitOptions{URL: "https://h/r.git", Path: "../etc", CacheDir: dir}, "relative path"},
		{"unsupported scheme", GitOptions{URL: "ftp://h/r.git", CacheDir: dir}, "unsupported scheme"},
		{"ssh without key", GitOptions{URL: "ssh://git@h/r.git", CacheDir: dir}, "private key"},
		{"ssh without known_hosts", GitOptions{URL: "git@h:r.git", CacheDir: dir, Auth: AuthOptions{SSHKeyFile: key}}, "known_hosts"},
		{"ssh with missing known_hosts", GitOptions{URL: "git@h:r.git", CacheDir: dir,
			Auth: AuthOptions{SSHKeyFile: key, KnownHostsFile: filepath.Join(dir, "nope")}}, "known_hosts"},
		{"missing keyring", GitOptions{URL: "https://h/r.git", CacheDir: dir, VerifyKeyring: filepath.Join(dir, "nope.asc")}, "keyring"},
		{"empty keyring", GitOptions{URL: "https://h/r.git", CacheDir: dir, VerifyKeyring: writeFile(t, dir, "k.asc", "")}, "keyring"},
		{"secret in url is not echoed", GitOptions{URL: "ftp://u:topsecret@h/r.git", CacheDir: dir}, "unsupported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewGit(c.o)
			if err == nil {
				s.Close()
				t.Fatalf("NewGit(%+v) succeeded, want an error with %q", c.o, c.wantSub)
			}
			if !strings.Contains(err.Error(), c.wantSub) {
				t.Errorf("error %q does not contain %q", err, c.wantSub)
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}
