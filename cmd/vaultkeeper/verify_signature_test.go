package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// signTestSet signs dir's record with k, then applies edit (may be nil) without re-signing.
func signTestSet(t *testing.T, dir string, k *setsig.Keyring, edit func(*catalog.Meta)) {
	t.Helper()
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Agent = "prod"
	if err := m.Sign(k); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyCmdSignature(t *testing.T) {
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "set.key")
	os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	otherKey := filepath.Join(tmp, "other.key")
	os.WriteFile(otherKey, []byte(strings.Repeat("cd", 32)+"\n"), 0o600)
	k, err := setsig.Load(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	agentState := filepath.Join(tmp, "state")
	os.MkdirAll(agentState, 0o700)
	own, err := setsig.LoadOrCreate(agentState)
	if err != nil {
		t.Fatal(err)
	}

	signed := writeTestSet(t, testZip(t, "x"))
	signTestSet(t, signed, k, nil)
	forged := writeTestSet(t, testZip(t, "x"))
	signTestSet(t, forged, k, func(m *catalog.Meta) { m.Agent = "intruder" })
	unsigned := writeTestSet(t, testZip(t, "x"))
	byOwn := writeTestSet(t, testZip(t, "x"))
	signTestSet(t, byOwn, own, nil)

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		outHas string
	}{
		{"no key: not checked, not a failure", []string{signed}, 0, "SKIP signature  not checked: no key given"},
		{"no key, unsigned set", []string{unsigned}, 0, "SKIP signature  not checked"},
		{"key file", []string{signed, "--set-key-file", keyFile}, 0, "OK   signature  set aes-prod/20260101T020000Z signed with key"},
		{"changed after signing", []string{forged, "--set-key-file", keyFile}, 1, "FAIL signature  set aes-prod/20260101T020000Z: key"},
		{"unsigned with a key", []string{unsigned, "--set-key-file", keyFile}, 1, "FAIL signature  set aes-prod/20260101T020000Z carries no signature"},
		{"another key", []string{signed, "--set-key-file", otherKey}, 1, "signed with a key not in the keyring"},
		{"the agent's generated key", []string{byOwn, "--state-dir", agentState}, 0, "OK   signature"},
		{"state dir without a key", []string{signed, "--state-dir", tmp}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := execCmd(t, newVerifyCmd, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s", code, err, tc.code, out)
			}
			if !strings.Contains(out, tc.outHas) {
				t.Errorf("stdout lacks %q:\n%s", tc.outHas, out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, setsig.StateKeyFile)); err == nil {
		t.Error("verify created a key in a state dir")
	}

	out, code, err := execCmd(t, newVerifyCmd, "", signed, "-o", "json", "--set-key-file", keyFile)
	var rep struct {
		OK        bool            `json:"ok"`
		Signature signatureReport `json:"signature"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !rep.OK || !rep.Signature.Checked || !rep.Signature.OK ||
		rep.Signature.Verdict != string(catalog.Trusted) || rep.Signature.KeyID != k.KeyIDs()[0] || rep.Signature.Agent != "prod" {
		t.Fatalf("json: exit %d, %v, %+v\n%s", code, err, rep, out)
	}
	out, _, _ = execCmd(t, newVerifyCmd, "", signed, "-o", "json")
	if !strings.Contains(out, `"checked": false`) {
		t.Errorf("json without a key does not say the signature was not checked:\n%s", out)
	}
	// --record keeps the signature valid: verification results are not signed.
	if _, code, err := execCmd(t, newVerifyCmd, "", signed, "--record"); code != 0 {
		t.Fatal(err)
	}
	if _, code, err := execCmd(t, newVerifyCmd, "", signed, "--set-key-file", keyFile); code != 0 {
		t.Fatalf("signature broken by --record: %v", err)
	}
}
