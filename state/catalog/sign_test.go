package catalog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

func keyring(t *testing.T, key string) *setsig.Keyring {
	t.Helper()
	k, err := setsig.Parse("test", []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignedRecordSurvivesWriteAndVerifications(t *testing.T) {
	k := keyring(t, strings.Repeat("ab", 32))
	dir := makeSet(t, t.TempDir(), "aes-prod", "nightly", "20260101T020000Z")
	m, err := ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.VerifySignature(k); !errors.Is(err, setsig.ErrUnsigned) {
		t.Fatalf("unsigned record: %v", err)
	}
	if err := m.Sign(k); err != nil {
		t.Fatal(err)
	}
	// Verification results are appended later, without the key.
	m.Verifications = append(m.Verifications, Verification{Level: LevelL1, OK: true, Time: time.Now()})
	if err := WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	back, err := ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.VerifySignature(k); err != nil {
		t.Fatalf("signature after a round trip: %v", err)
	}
}

func TestCheckTrust(t *testing.T) {
	k := keyring(t, strings.Repeat("ab", 32))
	other := keyring(t, strings.Repeat("cd", 32))
	signed := func(edit func(m *Meta)) *Meta {
		m := testMeta("aes-prod", "nightly", "20260101T020000Z")
		if err := m.Sign(k); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(m)
		}
		return m
	}
	for _, tc := range []struct {
		name           string
		m              *Meta
		k              *setsig.Keyring
		agents         []string
		want           TrustVerdict
		restore, prune bool
	}{
		{"signed", signed(nil), k, nil, Trusted, true, true},
		{"signed, agent allowed", signed(nil), k, []string{"a0", "a1"}, Trusted, true, true},
		{"signed, agent not allowed", signed(nil), k, []string{"prod"}, AgentNotAllowed, false, true},
		{"unsigned", testMeta("aes-prod", "nightly", "20260101T020000Z"), k, nil, Unsigned, false, true},
		{"dump hash changed", signed(func(m *Meta) { m.Files[1].SHA256 = "00" }), k, nil, Forged, false, false},
		{"agent changed", signed(func(m *Meta) { m.Agent = "prod" }), k, []string{"prod"}, Forged, false, false},
		{"other key", signed(nil), other, nil, Unverifiable, false, false},
		{"signed, no key", signed(nil), nil, nil, Unverifiable, false, false},
		{"unsigned, no key", testMeta("aes-prod", "nightly", "20260101T020000Z"), nil, nil, Unsigned, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := CheckTrust(tc.m, tc.k, tc.agents)
			if tr.Verdict != tc.want || tr.MayRestore() != tc.restore || tr.MayPrune() != tc.prune {
				t.Fatalf("CheckTrust = %+v (restore %v, prune %v), want %s (restore %v, prune %v)",
					tr, tr.MayRestore(), tr.MayPrune(), tc.want, tc.restore, tc.prune)
			}
			if !strings.Contains(tr.Reason, "20260101T020000Z") {
				t.Errorf("Reason %q does not name the set", tr.Reason)
			}
		})
	}
}
