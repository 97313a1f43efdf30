package source

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkFolderEditToChange measures a manifest edit until Changes fires, with the
// debounce the agent ships (DefaultDebounce): the figure is dominated by that window.
func BenchmarkFolderEditToChange(b *testing.B) {
	dir := b.TempDir()
	writeFile(b, dir, "a.yaml", "a\n")
	src, err := NewFolder(dir, "", DefaultDebounce, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	if _, _, err := src.Fetch(ctx); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		writeFile(b, dir, "a.yaml", fmt.Sprintf("edit %d\n", i))
		select {
		case <-src.Changes():
		case <-time.After(5 * time.Second):
			b.Fatal("no change")
		}
		if _, changed, err := src.Fetch(ctx); err != nil || !changed {
			b.Fatalf("Fetch: changed %v, err %v", changed, err)
		}
	}
}

// BenchmarkGitPollNoChange measures an idle poll (ls-remote, no pack) against git
// http-backend on 127.0.0.1.
func BenchmarkGitPollNoChange(b *testing.B) {
	e := newGitEnv(b)
	e.commit(map[string]string{"a.yaml": "a\n"}, "a")
	e.push("main")
	srv := newGitServer(e, "agent", "pw")
	src, err := NewGit(GitOptions{URL: srv.repoURL(), Branch: "main", CacheDir: b.TempDir(),
		Auth: AuthOptions{Username: "agent", TokenFile: writeFile(b, b.TempDir(), "token", "pw")}})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	if _, _, err := src.Fetch(ctx); err != nil {
		b.Fatal(err)
	}
	packs := srv.uploadPacks.Load()
	for b.Loop() {
		if _, changed, err := src.Fetch(ctx); err != nil || changed {
			b.Fatalf("Fetch: changed %v, err %v", changed, err)
		}
	}
	b.StopTimer()
	if n := srv.uploadPacks.Load() - packs; n != 0 {
		b.Fatalf("idle polls made %d pack requests", n)
	}
}

// BenchmarkGitFetchNewCommit measures the poll that finds a new commit: ls-remote, a depth-1
// fetch of the pack and the checkout. This is the source's share of "webhook received →
// first action started".
func BenchmarkGitFetchNewCommit(b *testing.B) {
	e := newGitEnv(b)
	e.commit(map[string]string{"a.yaml": "a\n"}, "a")
	e.push("main")
	srv := newGitServer(e, "agent", "pw")
	src, err := NewGit(GitOptions{URL: srv.repoURL(), Branch: "main", CacheDir: b.TempDir(),
		Auth: AuthOptions{Username: "agent", TokenFile: writeFile(b, b.TempDir(), "token", "pw")}})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		head := e.commit(map[string]string{"a.yaml": fmt.Sprintf("edit %d\n", i)}, "edit")
		e.push("main")
		b.StartTimer()
		rev, changed, err := src.Fetch(ctx)
		if err != nil || !changed || rev.ID != head {
			b.Fatalf("Fetch = %s, changed %v, err %v; want %s", rev.ID, changed, err, head)
		}
	}
}
