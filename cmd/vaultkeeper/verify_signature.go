package main

import (
	"errors"
	"fmt"
	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"os"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// signatureReport is the "signature" member of `vaultkeeper verify -o json`.
type signatureReport struct {
	// Checked is false when no key was given: the signature was not checked, which is not a
	// failure of the set.
	Checked bool   `json:"checked"`
	OK      bool   `json:"ok"`
	Verdict string `json:"verdict,omitempty"` // catalog.TrustVerdict when checked
	KeyID   string `json:"keyId,omitempty"`   // the key the record names
	Agent   string `json:"agent,omitempty"`
	Reason  string `json:"reason"`
}

// verifyReport is what `verify -o json` prints: the file checks and the signature.
type verifyReport struct {
	*setverify.Report
	Signature signatureReport `json:"signature"`
}

// setKeyring returns the keyring `verify` uses: --set-key-file, else the key an agent
// generated in --state-dir (never created here: verify only reads), else nil.
func setKeyring(keyFile, stateDir string) (*setsig.Keyring, error) {
	if keyFile != "" {
		return setsig.Load(keyFile)
	}
	if stateDir == "" {
		return nil, nil
	}
	p := filepath.Join(stateDir, setsig.StateKeyFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--state-dir %s holds no generated set key (%s): give --set-key-file", stateDir, setsig.StateKeyFile)
	}
	return setsig.Load(p)
}

// checkSignature checks dir's record with k (nil: not checked).
func checkSignature(dir string, k *setsig.Keyring) signatureReport {
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		return signatureReport{Checked: k != nil, Reason: err.Error()}
	}
	r := signatureReport{Agent: m.Agent}
	if m.Signature != nil {
		r.KeyID = m.Signature.KeyID
	}
	if k == nil {
		r.Reason = "not checked: no key given (--set-key-file, or --state-dir of the agent)"
		return r
	}
	t := catalog.CheckTrust(m, k, nil)
	r.Checked, r.OK, r.Verdict, r.Reason = true, t.Verdict == catalog.Trusted, string(t.Verdict), t.Reason
	return r
}
