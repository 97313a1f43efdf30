package source

import (
	"context"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// gitEnv is a bare repository (root/repo.git) and a work clone driven by the real git CLI.
type gitEnv struct {
	t    testing.TB
	bin  string
	root string
	bare string
	work string
	env  []string
}

func newGitEnv(t testing.TB) *gitEnv {
	t.Helper()
	bin := testtool.Require(t, "git")
	root := t.TempDir()
	e := &gitEnv{t: t, bin: bin, root: root, bare: filepath.Join(root, "repo.git"), work: filepath.Join(t.TempDir(), "work")}
	cfg := filepath.Join(root, "gitconfig")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e.env = append(os.Environ(),
		"HOME="+root, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+cfg,
		"GIT_AUTHOR_NAME=Test Author", "GIT_AUTHOR_EMAIL=author@example.com",
		"GIT_COMMITTER_NAME=Test Author", "GIT_COMMITTER_EMAIL=author@example.com",
		"GIT_TERMINAL_PROMPT=0",
	)
	e.run(root, "init", "-q", "--bare", "-b", "main", e.bare)
	e.run(root, "init", "-q", "-b", "main", e.work)
	e.git("remote", "add", "origin", e.bare)
	return e
}

// run runs git in dir and returns its trimmed stdout, failing the test on error.
func (e *gitEnv) run(dir string, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Dir = dir
	cmd.Env = e.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		e.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func (e *gitEnv) git(args ...string) string { e.t.Helper(); return e.run(e.work, args...) }

// commit writes files (path → content) in the work clone, commits them all with extra
// arguments to git commit, and returns the new HEAD.
func (e *gitEnv) commit(files map[string]string, msg string, extra ...string) string {
	e.t.Helper()
	for p, content := range files {
		full := filepath.Join(e.work, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	e.git("add", "-A")
	e.git(append([]string{"commit", "-q", "-m", msg}, extra...)...)
	return e.git("rev-parse", "HEAD")
}

func (e *gitEnv) push(args ...string) {
	e.t.Helper()
	e.git(append([]string{"push", "-q", "origin"}, args...)...)
}

func (e *gitEnv) fileURL() string { return "file://" + filepath.ToSlash(e.bare) }

// gitServer serves root through git http-backend behind basic auth and counts requests.
type gitServer struct {
	*httptest.Server
	uploadPacks atomic.Int64 // POSTs to git-upload-pack: pack negotiations
	requests    atomic.Int64
}

func newGitServer(e *gitEnv, user, pass string) *gitServer {
	e.t.Helper()
	s := &gitServer{}
	backend := &cgi.Handler{
		Path: e.bin,
		Args: []string{"http-backend"},
		Dir:  e.root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + e.root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user,
			"GIT_CONFIG_NOSYSTEM=1", "HOME=" + e.root,
		},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
			s.uploadPacks.Add(1)
		}
		backend.ServeHTTP(w, r)
	}))
	e.t.Cleanup(s.Close)
	return s
}

func (s *gitServer) repoURL() string { return s.URL + "/repo.git" }

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fetchCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
