package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// demoEnv is the demo's simulated world.
type demoEnv struct {
	sim       string
	hosts     map[string]string // name → root
	source    string
	listeners []net.Listener
}

func (e *demoEnv) close() {
	for _, l := range e.listeners {
		l.Close()
	}
}

// verify asks the simulator whether a host is consistent (files and database of one moment).
func (e *demoEnv) verify(name string) string {
	out, err := exec.Command(e.sim, "verify", "--root", e.hosts[name]).CombinedOutput()
	s := strings.Join(strings.Fields(string(out)), " ")
	if err != nil {
		return "INCONSISTENT: " + s
	}
	return s
}

func setUpDemo(ctx context.Context, out io.Writer, dir string) (*demoEnv, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	sim, err := findSim(ctx, dir)
	if err != nil {
		return nil, err
	}
	env := &demoEnv{sim: sim, hosts: map[string]string{}}
	var hosts []demoHost
	for _, name := range []string{"aes-prod", "aes-staging"} {
		root := filepath.Join(dir, "hosts", name)
		// A loopback listener stands in for the Oracle listener, so the oracle-listener check
		// has something real to reach.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		env.listeners = append(env.listeners, ln)
		port := ln.Addr().(*net.TCPAddr).Port
		if _, err := os.Stat(root); err != nil {
			cmd := exec.CommandContext(ctx, sim, "init", "--root", root, "--db-host", "127.0.0.1", "--files", "120", "--tables", "6", "--rows", "400")
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("altium-sim init %s: %w: %s", root, err, b)
			}
			fmt.Fprintf(out, "simulated host %-12s %s\n", name, root)
		}
		if err := setListenerPort(root, port); err != nil {
			return nil, err
		}
		env.hosts[name] = root
		hosts = append(hosts, demoHost{Name: name, Root: filepath.ToSlash(root), DBLocation: "127.0.0.1:" + strconv.Itoa(port), AllowRestore: name == "aes-staging"})
	}
	// The seeds' first requirement: backup folders exist before the first backup.
	for _, d := range []string{"backups", "nas"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			return nil, err
		}
	}
	repo := filepath.Join(dir, "repo")
	if err := writeDemoManifests(repo, dir, hosts, true); err != nil {
		return nil, err
	}
	env.source = repo
	if git, err := exec.LookPath("git"); err == nil {
		if err := commitRepo(ctx, git, repo); err != nil {
			return nil, err
		}
		env.source = "file://" + filepath.ToSlash(repo)
		fmt.Fprintf(out, "manifests committed to the git repo %s\n", repo)
	} else {
		fmt.Fprintf(out, "git is not installed: the agent watches the folder %s instead of a git repo\n", repo)
	}
	return env, nil
}

// setListenerPort points LocalVault.ini's DBLocation and tnsnames.ora at the demo listener.
func setListenerPort(root string, port int) error {
	p := strconv.Itoa(port)
	edits := map[string][2]string{
		"LocalVault.ini": {"127.0.0.1:1521", "127.0.0.1:" + p},
		"tnsnames.ora":   {"(PORT = 1521)", "(PORT = " + p + ")"},
	}
	for file, e := range edits {
		path := filepath.Join(root, file)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// Earlier runs of the demo in the same folder left another port: normalise first.
		b = []byte(reLastPort(string(b), file))
		if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(e[0]), []byte(e[1])), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// reLastPort puts a port written by an earlier demo run back to 1521.
func reLastPort(s, file string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		switch {
		case file == "LocalVault.ini" && strings.HasPrefix(l, "DBLocation=127.0.0.1:"):
			lines[i] = "DBLocation=127.0.0.1:1521" + strings.TrimLeft(strings.TrimPrefix(l, "DBLocation=127.0.0.1:"), "0123456789")
		case file == "tnsnames.ora" && strings.Contains(l, "(PORT = "):
			j := strings.Index(l, "(PORT = ") + len("(PORT = ")
			k := strings.Index(l[j:], ")")
			if k > 0 {
				lines[i] = l[:j] + "1521" + l[j+k:]
			}
		}
	}
	return strings.Join(lines, "\n")
}

func commitRepo(ctx context.Context, git, repo string) error {
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, git, append([]string{"-C", repo, "-c", "user.name=vaultkeeper demo", "-c", "user.email=demo@vaultkeeper.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, b)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(repo, ".git")); err != nil {
		if err := run("init", "-q", "-b", "main"); err != nil {
			return err
		}
	}
	if err := run("add", "-A"); err != nil {
		return err
	}
	if err := exec.CommandContext(ctx, git, "-C", repo, "diff", "--cached", "--quiet").Run(); err == nil {
		return nil // nothing new to commit
	}
	return run("commit", "-q", "-m", "demo: production and staging Altium servers, nightly backups, a standing restore")
}

// simName is altium-sim's file name: with .exe on Windows, where a program without it is
// not found beside vaultkeeper nor started.
func simName() string {
	if runtime.GOOS == "windows" {
		return "altium-sim.exe"
	}
	return "altium-sim"
}

// findSim finds altium-sim beside this executable or on PATH, or builds it with the Go
// toolchain (the demo is started with `go run`, so the toolchain and the source are here).
func findSim(ctx context.Context, dir string) (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), simName())
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("altium-sim"); err == nil {
		return p, nil
	}
	out := filepath.Join(dir, "bin", simName())
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/vaultkeeper/vaultkeeper/cmd/altium-sim")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w beside vaultkeeper or on PATH, and building it failed: %v: %s", errNoSim, err, b)
	}
	return out, nil
}
