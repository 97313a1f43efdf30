package setsig

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const (
	keyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	keyB = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
)

func ring(t *testing.T, lines ...string) *Keyring {
	t.Helper()
	k, err := Parse("test", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignVerify(t *testing.T) {
	a, b := ring(t, keyA), ring(t, keyB)
	rotated := ring(t, "# new key first", keyB, "", keyA) // signs with B, still verifies A
	data := []byte(`{"id":"20261121T020000Z"}`)
	sigA := a.Sign(data)
	if sigA.Alg != Alg || sigA.KeyID != KeyID(mustHex(keyA)) || len(sigA.MAC) != 64 {
		t.Fatalf("signature = %+v", sigA)
	}
	forged := sigA
	forged.MAC = strings.Repeat("0", 64)
	for _, tc := range []struct {
		name string
		k    *Keyring
		data []byte
		sig  *Signature
		want error
	}{
		{"valid", a, data, &sigA, nil},
		{"valid after rotation", rotated, data, &sigA, nil},
		{"changed record", a, []byte(`{"id":"20991121T020000Z"}`), &sigA, ErrForged},
		{"forged mac", a, data, &forged, ErrForged},
		{"other key", b, data, &sigA, ErrUnknownKey},
		{"unsigned", a, data, nil, ErrUnsigned},
		{"other algorithm", a, data, &Signature{Alg: "Ed25519", KeyID: sigA.KeyID, MAC: sigA.MAC}, ErrUnknownKey},
		{"bad hex", a, data, &Signature{Alg: Alg, KeyID: sigA.KeyID, MAC: "zz"}, ErrForged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.k.Verify(tc.data, tc.sig)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	if s := rotated.Sign(data); s.KeyID != KeyID(mustHex(keyB)) {
		t.Errorf("the rotated keyring signs with %s, want the first key", s.KeyID)
	}
	if strings.Contains(KeyID(mustHex(keyA)), keyA[:16]) {
		t.Error("the key id shows the key")
	}
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

func TestParseErrors(t *testing.T) {
	for name, content := range map[string]string{
		"empty":    "",
		"comments": "# nothing\n\n",
		"short":    "0011",
		"not hex":  strings.Repeat("g", 64),
	} {
		if _, err := Parse("keys.txt", []byte(content)); err == nil || !strings.Contains(err.Error(), "keys.txt") {
			t.Errorf("%s: Parse = %v, want an error naming the file", name, err)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	k, err := Open("", dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, StateKeyFile)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("generated key mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := Open("", dir)
	if err != nil || again.KeyIDs()[0] != k.KeyIDs()[0] {
		t.Fatalf("second Open = %v, %v; want the same key", again, err)
	}
	data := []byte("x")
	if err := again.Verify(data, ptr(k.Sign(data))); err != nil {
		t.Fatal(err)
	}
	// A key file given with the flag wins; one others may read is refused.
	f := filepath.Join(dir, "shared.key")
	os.WriteFile(f, []byte(keyA+"\n"), 0o600)
	if s, err := Open(f, dir); err != nil || s.KeyIDs()[0] != KeyID(mustHex(keyA)) {
		t.Fatalf("Open(%s) = %v, %v", f, s, err)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(f, 0o644)
		if _, err := Open(f, dir); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("a world-readable key file = %v, want a refusal", err)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing"), dir); err == nil {
		t.Error("a missing key file was accepted")
	}
}

func ptr[T any](v T) *T { return &v }
