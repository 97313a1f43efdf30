package setsig

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// Alg is the only algorithm.
const Alg = "HMAC-SHA256"

// StateKeyFile is the generated key's file name in the state dir.
const StateKeyFile = "set-key"

// Signature is what a signed record carries.
type Signature struct {
	Alg   string `json:"alg"`
	KeyID string `json:"keyId"`
	MAC   string `json:"mac"` // hex
}

// Errors of Verify.
var (
	// ErrUnsigned: the record carries no signature.
	ErrUnsigned = errors.New("not signed")
	// ErrUnknownKey: signed with a key this keyring does not hold; the signature cannot be
	// checked (the set may be fine: a key rotated away, another site's key).
	ErrUnknownKey = errors.New("signed with a key not in the keyring")
	// ErrForged: the signature does not match the record: it was changed after signing, or
	// forged.
	ErrForged = errors.New("signature does not match the record")
)

// Keyring holds the keys; the first one signs.
type Keyring struct {
	// Source says where the keys came from, for messages.
	Source string
	keys   [][]byte
	ids    []string
}

const keyLen = 32

// KeyID is the id of key: the first 8 bytes of HMAC-SHA256(key, "vaultkeeper set key id"), hex.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("vaultkeeper set key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// Parse reads a key file's content; source names it in errors.
func Parse(source string, content []byte) (*Keyring, error) {
	k := &Keyring{Source: source}
	sc := bufio.NewScanner(bytes.NewReader(content))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		key, err := hex.DecodeString(l)
		if err != nil || len(key) != keyLen {
			return nil, fmt.Errorf("set key file %s: line %d: want %d hex digits (%d random bytes), e.g. from `openssl rand -hex 32`", source, n, 2*keyLen, keyLen)
		}
		k.keys = append(k.keys, key)
		k.ids = append(k.ids, KeyID(key))
	}
	if len(k.keys) == 0 {
		return nil, fmt.Errorf("set key file %s holds no key", source)
	}
	return k, nil
}

// Load reads a key file. On Unix a file that group or others may read is refused: the key
// is what makes a set trusted.
func Load(path string) (*Keyring, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("set key file: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("set key file %s: mode %v lets others read it: chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("set key file: %w", err)
	}
	return Parse(path, b)
}

// LoadOrCreate reads the state dir's generated key, creating it (0600) on first use.
func LoadOrCreate(stateDir string) (*Keyring, error) {
	p := filepath.Join(stateDir, StateKeyFile)
	if _, err := os.Stat(p); err == nil {
		return Load(p)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("set key file: %w", err)
	}
	var raw [keyLen]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	content := "# vaultkeeper set key, generated; see README \"Set keys\"\n" + hex.EncodeToString(raw[:]) + "\n"
	if err := atomicfile.WriteFile(p, []byte(content), 0o600); err != nil {
		return nil, fmt.Errorf("set key file %s: %w", p, err)
	}
	return Parse(p, []byte(content))
}

// Open returns the keyring of keyFile when given, else the state dir's own key (created when
// needed).
func Open(keyFile, stateDir string) (*Keyring, error) {
	if keyFile != "" {
		return Load(keyFile)
	}
	return LoadOrCreate(stateDir)
}

// KeyIDs lists the ids of the keys, the signing key first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.ids...) }

// Sign signs data with the first key.
func (k *Keyring) Sign(data []byte) Signature {
	return Signature{Alg: Alg, KeyID: k.ids[0], MAC: hex.EncodeToString(mac(k.keys[0], data))}
}

// Verify checks sig (nil: unsigned) over data.
func (k *Keyring) Verify(data []byte, sig *Signature) error {
	switch {
	case sig == nil:
		return ErrUnsigned
	case sig.Alg != Alg:
		return fmt.Errorf("algorithm %q: %w", sig.Alg, ErrUnknownKey)
	}
	for i, id := range k.ids {
		if id != sig.KeyID {
			continue
		}
		got, err := hex.DecodeString(sig.MAC)
		if err != nil || !hmac.Equal(got, mac(k.keys[i], data)) {
			return fmt.Errorf("key %s: %w", id, ErrForged)
		}
		return nil
	}
	return fmt.Errorf("key %s (this agent has %s from %s): %w", sig.KeyID, strings.Join(k.ids, ", "), k.Source, ErrUnknownKey)
}

func mac(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}
