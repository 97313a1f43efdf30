package source

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// gpgHome is a throwaway GNUPGHOME with generated keys.
type gpgHome struct {
	t   *testing.T
	bin string
	dir string
}

func newGPGHome(t *testing.T) *gpgHome {
	t.Helper()
	bin := testtool.Require(t, "gpg")
	dir := t.TempDir()
	h := &gpgHome{t: t, bin: bin, dir: dir}
	t.Cleanup(func() {
		if p, err := exec.LookPath("gpgconf"); err == nil {
			cmd := exec.Command(p, "--kill", "gpg-agent")
			cmd.Env = append(cmd.Environ(), "GNUPGHOME="+dir)
			_ = cmd.Run()
		}
	})
	return h
}

func (h *gpgHome) run(args ...string) string {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, append([]string{"--homedir", h.dir, "--batch"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		h.t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// genKey creates an unprotected signing key for uid and returns its fingerprint.
func (h *gpgHome) genKey(uid string) string {
	h.t.Helper()
	h.run("--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
	for _, line := range strings.Split(h.run("--with-colons", "--list-keys", uid), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			return f[9]
		}
	}
	h.t.Fatalf("no fingerprint for %q", uid)
	return ""
}

func TestSignedCommits(t *testing.T) {
	e := newGitEnv(t)
	gpg := newGPGHome(t)
	trusted := gpg.genKey("Trusted Signer <trusted@example.com>")
	other := gpg.genKey("Other Signer <other@example.com>")
	keyring := writeFile(t, t.TempDir(), "keyring.asc", gpg.run("--armor", "--export", trusted))
	e.env = append(e.env, "GNUPGHOME="+gpg.dir)
	sign := func(fpr string) []string {
		return []string{"-S" + fpr}
	}
	e.git("config", "gpg.program", gpg.bin)

	src, err := NewGit(GitOptions{URL: e.fileURL(), Branch: "main", CacheDir: t.TempDir(), VerifyKeyring: keyring, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := fetchCtx(t)

	steps := []struct {
		name       string
		signWith   string // fingerprint, "" = unsigned
		wantSigned bool
		wantKeyID  string
		wantErrSub string
	}{
		{name: "signed by trusted key", signWith: trusted, wantSigned: true, wantKeyID: trusted[len(trusted)-16:]},
		{name: "unsigned", wantErrSub: "no signature"},
		{name: "signed by unknown key", signWith: other, wantKeyID: other[len(other)-16:], wantErrSub: other[len(other)-16:]},
		{name: "trusted again", signWith: trusted, wantSigned: true, wantKeyID: trusted[len(trusted)-16:]},
	}
	var lastGood, lastGoodContent string
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var extra []string
			if s.signWith != "" {
				extra = sign(s.signWith)
			}
			head := e.commit(map[string]string{"a.yaml": s.name + "\n"}, s.name, extra...)
			e.push("main")
			rev, changed, err := src.Fetch(ctx)
			if rev.ID != head || !rev.Signature.Checked || rev.Signature.Signed != s.wantSigned || rev.Signature.KeyID != s.wantKeyID {
				t.Errorf("step %d: rev %s signature %+v; want %s signed=%v key %s", i, rev.ID, rev.Signature, head, s.wantSigned, s.wantKeyID)
			}
			if s.wantSigned {
				if err != nil || !changed || rev.Dir == "" {
					t.Fatalf("Fetch: changed %v, dir %q, err %v", changed, rev.Dir, err)
				}
				if rev.Signature.Signer != "Trusted Signer <trusted@example.com>" {
					t.Errorf("signer = %q", rev.Signature.Signer)
				}
				lastGood, lastGoodContent = rev.Dir, s.name+"\n"
				return
			}
			if !errors.Is(err, ErrNotSigned) || changed || rev.Dir != "" {
				t.Fatalf("Fetch: changed %v, dir %q, err %v; want ErrNotSigned and no checkout", changed, rev.Dir, err)
			}
			if !strings.Contains(err.Error(), s.wantErrSub) || !strings.Contains(rev.Signature.Err, s.wantErrSub) {
				t.Errorf("error %q / status %q should name %q", err, rev.Signature.Err, s.wantErrSub)
			}
			// Polling the same rejected commit again answers the same without re-fetching.
			again, _, err2 := src.Fetch(ctx)
			if !errors.Is(err2, ErrNotSigned) || again.ID != head {
				t.Errorf("second poll of rejected commit: %s, %v", again.ID, err2)
			}
			if got := readFile(t, filepath.Join(lastGood, "a.yaml")); got != lastGoodContent {
				t.Errorf("last good checkout changed: %q", got)
			}
		})
	}
}
