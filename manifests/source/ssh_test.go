package source

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshGitServer is an in-process ssh server that runs git upload-pack for exec requests,
// accepting one client key. It stands in for a git host reached over ssh.
type sshGitServer struct {
	addr    string
	hostKey ssh.PublicKey
	ln      net.Listener
	wg      sync.WaitGroup
}

func newSSHGitServer(t *testing.T, e *gitEnv, clientKey ssh.PublicKey) *sshGitServer {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if string(k.Marshal()) == string(clientKey.Marshal()) {
			return nil, nil
		}
		return nil, errors.New("unknown client key")
	}}
	cfg.AddHostKey(hostSigner)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sshGitServer{addr: ln.Addr().String(), hostKey: hostSigner.PublicKey(), ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c, cfg, e.bin) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *sshGitServer) serve(c net.Conn, cfg *ssh.ServerConfig, gitBin string) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, chReqs, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			defer ch.Close()
			for req := range chReqs {
				if req.Type != "exec" || len(req.Payload) < 4 {
					_ = req.Reply(false, nil)
					continue
				}
				_ = req.Reply(true, nil)
				status := runUploadPack(gitBin, string(req.Payload[4:]), ch)
				var b [4]byte
				binary.BigEndian.PutUint32(b[:], status)
				_, _ = ch.SendRequest("exit-status", false, b[:])
				return
			}
		}()
	}
}

// runUploadPack runs "git-upload-pack '<path>'" as sent by the client.
func runUploadPack(gitBin, command string, ch ssh.Channel) uint32 {
	path, ok := strings.CutPrefix(command, "git-upload-pack ")
	if !ok {
		fmt.Fprintf(ch.Stderr(), "unsupported command %q\n", command)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitBin, "upload-pack", strings.Trim(path, "'"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
	if err := cmd.Run(); err != nil {
		return 1
	}
	return 0
}

func TestGitSSH(t *testing.T) {
	e := newGitEnv(t)
	head := e.commit(map[string]string{"a.yaml": "a\n"}, "a")
	e.push("main")
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(clientPriv, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "id_ed25519", string(pem.EncodeToMemory(block)))
	sshPub, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		t.Fatal(err)
	}
	srv := newSSHGitServer(t, e, sshPub)
	_, port, _ := net.SplitHostPort(srv.addr)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	otherKey, _ := ssh.NewPublicKey(otherPub)
	url := fmt.Sprintf("ssh://git@127.0.0.1:%s%s", port, e.bare)

	cases := []struct {
		name       string
		knownHosts string
		wantErr    bool
	}{
		{"known host", knownhosts.Line([]string{srv.addr}, srv.hostKey) + "\n", false},
		{"host key changed", knownhosts.Line([]string{srv.addr}, otherKey) + "\n", true},
		{"host unknown", knownhosts.Line([]string{"[example.com]:22"}, srv.hostKey) + "\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := NewGit(GitOptions{URL: url, Branch: "main", CacheDir: t.TempDir(), Timeout: 5 * time.Second,
				Auth: AuthOptions{SSHKeyFile: keyFile, KnownHostsFile: writeFile(t, t.TempDir(), "known_hosts", c.knownHosts)}})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			ctx := fetchCtx(t)
			rev, changed, err := src.Fetch(ctx)
			if c.wantErr {
				if err == nil {
					t.Fatalf("Fetch = %s with a wrong known_hosts, want an error", rev.ID)
				}
				if !strings.Contains(err.Error(), "knownhosts") {
					t.Errorf("error %q does not say the host key check failed", err)
				}
				return
			}
			if err != nil || !changed || rev.ID != head {
				t.Fatalf("Fetch = %q, changed %v, err %v; want %s", rev.ID, changed, err, head)
			}
			if got := readFile(t, rev.Dir+"/a.yaml"); got != "a\n" {
				t.Errorf("a.yaml = %q", got)
			}
			if _, changed, err := src.Fetch(ctx); err != nil || changed {
				t.Errorf("idle poll: changed %v, err %v", changed, err)
			}
		})
	}
}
