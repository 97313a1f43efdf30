package state

import (
	"errors"
	"os"
	"testing"
)

func TestListenAddr(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ListenAddr(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("before SetListenAddr: %v, want not exist", err)
	}
	for _, addr := range []string{"127.0.0.1:40123", "[::1]:9469"} {
		if err := s.SetListenAddr(addr); err != nil {
			t.Fatal(err)
		}
		got, err := ListenAddr(dir)
		if err != nil || got != addr {
			t.Fatalf("ListenAddr = %q, %v; want %q", got, err, addr)
		}
	}
	if err := ClearListenAddr(dir); err != nil {
		t.Fatal(err)
	}
	if err := ClearListenAddr(dir); err != nil {
		t.Fatalf("clearing twice: %v", err)
	}
	if _, err := ListenAddr(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after ClearListenAddr: %v, want not exist", err)
	}
	if err := os.WriteFile(dir+"/"+listenFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ListenAddr(dir); err == nil {
		t.Fatal("an empty listen-addr file is not an error")
	}
}
