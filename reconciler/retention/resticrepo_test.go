package retention

// A minimal writer of restic snapshot files, so the differential test can hand real restic
// thousands of snapshots with chosen times without running `restic backup` (0.7 s each, all of
// it the key derivation) for every one. It follows restic's repository format: the master key
// is AES-256-CTR + Poly1305-AES encrypted under an scrypt-derived key in keys/<id>; a snapshot
// is JSON, encrypted the same way (IV || ciphertext || MAC) and stored under the SHA-256 of
// the stored bytes. restic verifies every MAC when it loads them, so a mistake here fails loudly.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/poly1305"
	"golang.org/x/crypto/scrypt"
)

const resticPassword = "vaultkeeper-test"

type resticKey struct {
	enc  [32]byte
	macK [16]byte
	macR [16]byte
}

func (k *resticKey) mac(nonce, msg []byte) [16]byte {
	var pk [32]byte
	c, err := aes.NewCipher(k.macK[:])
	if err != nil {
		panic(err)
	}
	c.Encrypt(pk[16:], nonce)
	copy(pk[:16], k.macR[:])
	var out [16]byte
	poly1305.Sum(&out, msg, &pk)
	return out
}

func (k *resticKey) open(data []byte) ([]byte, error) {
	if len(data) < 32 {
		return nil, fmt.Errorf("ciphertext of %d bytes is too short", len(data))
	}
	nonce, ct, tag := data[:16], data[16:len(data)-16], data[len(data)-16:]
	if m := k.mac(nonce, ct); !bytes.Equal(m[:], tag) {
		return nil, fmt.Errorf("MAC mismatch")
	}
	c, err := aes.NewCipher(k.enc[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(ct))
	cipher.NewCTR(c, nonce).XORKeyStream(out, ct)
	return out, nil
}

func (k *resticKey) seal(plain []byte) []byte {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	c, err := aes.NewCipher(k.enc[:])
	if err != nil {
		panic(err)
	}
	ct := make([]byte, len(plain))
	cipher.NewCTR(c, nonce).XORKeyStream(ct, plain)
	m := k.mac(nonce, ct)
	return append(append(nonce, ct...), m[:]...)
}

// resticRepo is an initialised repository and its master key.
type resticRepo struct {
	bin, dir string
	master   resticKey
}

func newResticRepo(t testing.TB, bin string) *resticRepo {
	t.Helper()
	r := &resticRepo{bin: bin, dir: filepath.Join(t.TempDir(), "repo")}
	if out, err := r.cmd("init").CombinedOutput(); err != nil {
		t.Fatalf("restic init: %v\n%s", err, out)
	}
	keys, err := filepath.Glob(filepath.Join(r.dir, "keys", "*"))
	if err != nil || len(keys) != 1 {
		t.Fatalf("restic key files: %v %v", keys, err)
	}
	raw, err := os.ReadFile(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	var kf struct {
		N, R, P int
		Salt    []byte `json:"salt"`
		Data    []byte `json:"data"`
	}
	if err := json.Unmarshal(raw, &kf); err != nil {
		t.Fatalf("key file %s: %v", keys[0], err)
	}
	dk, err := scrypt.Key([]byte(resticPassword), kf.Salt, kf.N, kf.R, kf.P, 64)
	if err != nil {
		t.Fatalf("scrypt: %v", err)
	}
	var user resticKey
	copy(user.enc[:], dk[:32])
	copy(user.macK[:], dk[32:48])
	copy(user.macR[:], dk[48:64])
	plain, err := user.open(kf.Data)
	if err != nil {
		t.Fatalf("decrypt master key: %v", err)
	}
	var mk struct {
		MAC struct {
			K []byte `json:"k"`
			R []byte `json:"r"`
		} `json:"mac"`
		Encrypt []byte `json:"encrypt"`
	}
	if err := json.Unmarshal(plain, &mk); err != nil {
		t.Fatalf("master key JSON: %v", err)
	}
	copy(r.master.enc[:], mk.Encrypt)
	copy(r.master.macK[:], mk.MAC.K)
	copy(r.master.macR[:], mk.MAC.R)
	return r
}

func (r *resticRepo) cmd(args ...string) *exec.Cmd {
	c := exec.Command(r.bin, append([]string{"--no-cache", "-q"}, args...)...)
	c.Env = append(os.Environ(), "RESTIC_REPOSITORY="+r.dir, "RESTIC_PASSWORD="+resticPassword)
	return c
}

// addSnapshot stores a snapshot of host taken at t (its zone offset is kept, and restic's
// calendar buckets follow it).
func (r *resticRepo) addSnapshot(t testing.TB, host string, at time.Time) {
	t.Helper()
	sn := map[string]any{
		"time":     at.Format(time.RFC3339Nano),
		"tree":     "0000000000000000000000000000000000000000000000000000000000000000",
		"paths":    []string{"/data"},
		"hostname": host,
		"username": "vaultkeeper",
	}
	plain, err := json.Marshal(sn)
	if err != nil {
		t.Fatal(err)
	}
	blob := r.master.seal(plain)
	id := sha256.Sum256(blob)
	if err := os.WriteFile(filepath.Join(r.dir, "snapshots", hex.EncodeToString(id[:])), blob, 0o600); err != nil {
		t.Fatal(err)
	}
}
