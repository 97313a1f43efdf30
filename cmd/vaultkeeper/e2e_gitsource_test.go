package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// Issue 14 point 9 end to end: the git source keeps the applied revision, and with
// --verify-keyring refuses a force-push back to an older signed commit.

// gitRepo is the world's manifests folder as a git work tree pushing to a bare repository
// the agent follows over file://.
type gitRepo struct {
	t    *testing.T
	work string
	bare string
	env  []string
}

func newGitRepo(t *testing.T, w *world) *gitRepo {
	t.Helper()
	g := &gitRepo{t: t, work: filepath.Join(w.dir, "repo"), bare: filepath.Join(w.dir, "srv", "manifests.git"),
		env: []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull, "HOME=" + w.dir}}
	g.git("init", "-q", "-b", "main")
	os.MkdirAll(filepath.Dir(g.bare), 0o755)
	g.run(w.dir, "init", "-q", "--bare", "-b", "main", g.bare)
	g.git("remote", "add", "origin", g.bare)
	return g
}

func (g *gitRepo) run(dir string, args ...string) string {
	g.t.Helper()
	cmd := exec.Command(testtool.Require(g.t, "git"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), g.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (g *gitRepo) git(args ...string) string { g.t.Helper(); return g.run(g.work, args...) }

// commit commits the work tree (with extra git commit flags) and pushes it; it returns HEAD.
func (g *gitRepo) commit(msg string, extra ...string) string {
	g.t.Helper()
	g.git("add", "-A")
	g.git(append([]string{"commit", "-q", "--allow-empty", "-m", msg}, extra...)...)
	g.git("push", "-q", "-f", "origin", "main")
	return g.git("rev-parse", "HEAD")
}

func (g *gitRepo) url() string { return "file://" + filepath.ToSlash(g.bare) }

// signWith makes a throwaway GnuPG home with one unprotected signing key, has git sign
// with it, and returns the -S flag for commits and the armored public keyring file.
func (g *gitRepo) signWith(dir string) (flag, keyring string) {
	g.t.Helper()
	bin := testtool.Require(g.t, "gpg")
	home := filepath.Join(dir, "gnupg")
	os.MkdirAll(home, 0o700)
	g.t.Cleanup(func() {
		if p, err := exec.LookPath("gpgconf"); err == nil {
			cmd := exec.Command(p, "--kill", "gpg-agent")
			cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
			_ = cmd.Run()
		}
	})
	gpg := func(args ...string) string {
		g.t.Helper()
		out, err := exec.Command(bin, append([]string{"--homedir", home, "--batch"}, args...)...).Output()
		if err != nil {
			g.t.Fatalf("gpg %v: %v", args, err)
		}
		return string(out)
	}
	uid := "Manifests Signer <signer@example.com>"
	gpg("--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
	fpr := ""
	for _, line := range strings.Split(gpg("--with-colons", "--list-keys", uid), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 && fpr == "" {
			fpr = f[9]
		}
	}
	keyring = filepath.Join(dir, "keyring.asc")
	if err := os.WriteFile(keyring, []byte(gpg("--armor", "--export", fpr)), 0o644); err != nil {
		g.t.Fatal(err)
	}
	g.env = append(g.env, "GNUPGHOME="+home)
	g.git("config", "gpg.program", bin)
	return "-S" + fpr, keyring
}

// TestE2EGitAppliedRevisionKept: after the applied revision, only invalid ones are pushed;
// the agent restarted still has its servers from the applied revision's checkout, which
// the cache kept.
func TestE2EGitAppliedRevisionKept(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	g := newGitRepo(t, w)
	good := g.commit("manifests")
	w.launch(g.url(), "--interval", "1s")
	w.agent.WaitReady()
	for i, bad := range []string{"keepLast: -3", "keepLast: -4"} {
		w.editManifests([]string{"keepLast: 3", "keepLast: -3"}[i], bad)
		rev := g.commit("broken " + bad)
		var src state.Source
		w.waitFor("the invalid revision rejected", 30*time.Second, func() bool {
			w.get("source", &src)
			return src.LastAttempted == rev && src.Reason == "ManifestsInvalid"
		})
	}
	w.stop()
	if _, err := os.Stat(filepath.Join(w.stateDir, "git", "rev-"+good)); err != nil {
		t.Errorf("the applied revision's checkout was pruned: %v", err)
	}
	w.launch(g.url(), "--interval", "1s")
	w.agent.WaitReady()
	w.addr = w.agent.Addr
	var src state.Source
	w.get("source", &src)
	if src.LastApplied != good {
		t.Errorf("applied %s after the restart, want %s", src.LastApplied, good)
	}
	if ps := w.policiesServed(); len(ps) != 1 {
		t.Errorf("policies after the restart: %+v, want the applied revision's one", ps)
	}
}

// TestE2EGitRollbackRefused: with --verify-keyring, a force-push back to an older signed
// commit is refused (source reason Rollback, the applied revision stays in force) until the
// agent runs with --allow-rollback.
func TestE2EGitRollbackRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	g := newGitRepo(t, w)
	sign, keyring := g.signWith(w.dir)
	old := g.commit("manifests", sign)
	w.editManifests("maxAge: 26h", "maxAge: 30h")
	applied := g.commit("maxAge 30h", sign)
	args := []string{"--interval", "1s", "--verify-keyring", keyring}
	w.launch(g.url(), args...)
	w.agent.WaitReady()
	var src state.Source
	w.waitFor("the newest signed revision applied", 30*time.Second, func() bool {
		w.get("source", &src)
		return src.LastApplied == applied
	})
	g.git("reset", "-q", "--hard", old)
	g.git("push", "-q", "-f", "origin", "main")
	w.waitFor("the force-push refused", 30*time.Second, func() bool {
		w.get("source", &src)
		return strings.HasPrefix(src.Reason, "Rollback:")
	})
	if src.LastApplied != applied || !strings.Contains(src.Reason, "--allow-rollback") {
		t.Errorf("source %+v: want %s still applied and the way out named", src, applied)
	}
	if p := w.policy("aes-prod-nightly"); p.MaxAge != "30h" {
		t.Errorf("maxAge %s in force, want the applied revision's 30h", p.MaxAge)
	}
	w.stop()
	w.launch(g.url(), append(args, "--allow-rollback")...)
	w.agent.WaitReady()
	w.waitFor("the older revision applied with --allow-rollback", 30*time.Second, func() bool {
		w.get("source", &src)
		return src.LastApplied == old
	})
	if p := w.policy("aes-prod-nightly"); p.MaxAge != "26h" {
		t.Errorf("maxAge %s with --allow-rollback, want 26h", p.MaxAge)
	}
}
