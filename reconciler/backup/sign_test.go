package backup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// TestPublishedRecordSigned: with a set key, the published record and its replica verify
// with it, after the verification results were appended; a changed field does not; without
// a key the record is unsigned.
func TestPublishedRecordSigned(t *testing.T) {
	keys, err := setsig.Parse("test", []byte(strings.Repeat("5a", 32)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		keys *catalog.Keyring
		want error
	}{
		{"signed", keys, nil},
		{"no key", nil, setsig.ErrUnsigned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dest, nas := filepath.Join(root, "primary"), filepath.Join(root, "nas")
			if err := os.MkdirAll(dest, 0o750); err != nil { // a destination root is never created
				t.Fatal(err)
			}
			job := newJob(t, newHost(), &journal{}, dest, nas)
			job.SetKeys = tc.keys
			res, err := backup.Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			for _, dir := range []string{res.Dir, catalog.SetDir(nas, "aes-prod", res.Meta.ID)} {
				m, err := catalog.ReadMeta(dir)
				if err != nil {
					t.Fatal(err)
				}
				if !m.Verified() {
					t.Errorf("%s: the record holds no passed verification", dir)
				}
				if err := m.VerifySignature(keys); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
					t.Errorf("%s: VerifySignature = %v, want %v", dir, err, tc.want)
				}
				if tc.keys == nil {
					continue
				}
				if tr := catalog.CheckTrust(m, keys, []string{"a"}); !tr.MayRestore() {
					t.Errorf("%s: %+v, want trusted for agent a", dir, tr)
				}
				m.Agent = "intruder"
				if tr := catalog.CheckTrust(m, keys, []string{"intruder"}); tr.Verdict != catalog.Forged {
					t.Errorf("%s with another agent written in: %+v, want forged", dir, tr)
				}
			}
		})
	}
}
