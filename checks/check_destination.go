package checks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// checkDestinationWritable: every destination and copy of the server's backup policies
// takes a probe file (create, write, fsync, remove).
func checkDestinationWritable(ctx context.Context, env Env) (string, error) {
	var problems, ok []string
	for _, p := range env.Policies {
		if p == nil || p.Spec.Server != env.Server.Metadata.Name {
			continue
		}
		dirs := append([]string{p.Spec.Destination}, p.Spec.Copies...)
		for i, d := range dirs {
			what := "destination"
			if i > 0 {
				what = "copy"
			}
			if err := ctx.Err(); err != nil {
				return "", fmt.Errorf("stopped before %s %s: %w", what, d, err)
			}
			if err := probe(d); err != nil {
				problems = append(problems, fmt.Sprintf("policy %s %s %s: %v", p.Metadata.Name, what, d, err))
				continue
			}
			ok = append(ok, d)
		}
	}
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "; "))
	}
	if len(ok) == 0 {
		return "no backup policy names this server, so there is no destination to check", nil
	}
	return fmt.Sprintf("writable: %s", strings.Join(ok, ", ")), nil
}

// probe creates, writes, syncs and removes a file in dir.
func probe(dir string) error {
	if dir == "" {
		return errors.New("is empty: set it in the policy")
	}
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("does not exist: create it and give the agent's account write access")
	}
	if err != nil {
		return fmt.Errorf("cannot be read: %w", err)
	}
	if !st.IsDir() {
		return errors.New("is not a folder: point the policy at a folder")
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := filepath.Join(dir, ".vaultkeeper-probe-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot create a file in it (give the agent's account write access): %w", err)
	}
	_, werr := f.Write([]byte("vaultkeeper write probe\n"))
	serr := f.Sync()
	cerr := f.Close()
	rerr := os.Remove(name)
	switch {
	case werr != nil:
		return fmt.Errorf("cannot write to it (disk full or quota?): %w", werr)
	case serr != nil:
		return fmt.Errorf("cannot flush a file to it: %w", serr)
	case cerr != nil:
		return fmt.Errorf("cannot close a file in it: %w", cerr)
	case rerr != nil:
		return fmt.Errorf("cannot remove a file from it (retention needs delete rights): %w", rerr)
	}
	return nil
}
