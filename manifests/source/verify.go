package source

import (
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// verifyCommit checks c's OpenPGP signature against the armored keyring.
func verifyCommit(c *object.Commit, keyring string) SignatureStatus {
	st := SignatureStatus{Checked: true}
	if strings.TrimSpace(c.PGPSignature) == "" {
		st.Err = "commit has no signature"
		return st
	}
	if !strings.Contains(c.PGPSignature, "BEGIN PGP SIGNATURE") {
		st.Err = "commit signature is not an OpenPGP signature"
		return st
	}
	st.KeyID = issuerKeyID(c.PGPSignature)
	entity, err := c.Verify(keyring)
	if err != nil {
		if st.KeyID != "" {
			st.Err = fmt.Sprintf("signature by key %s not verified: %v", st.KeyID, err)
		} else {
			st.Err = fmt.Sprintf("signature not verified: %v", err)
		}
		return st
	}
	st.Signed = true
	if id := entity.PrimaryIdentity(); id != nil {
		st.Signer = id.Name
	}
	if st.KeyID == "" {
		st.KeyID = entity.PrimaryKey.KeyIdString()
	}
	return st
}

// issuerKeyID returns the hex key id of the first signature packet, "" if it has none.
func issuerKeyID(armored string) string {
	block, err := armor.Decode(strings.NewReader(armored))
	if err != nil {
		return ""
	}
	p, err := packet.NewReader(block.Body).Next()
	if err != nil {
		return ""
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return ""
	}
	switch {
	case sig.IssuerKeyId != nil:
		return fmt.Sprintf("%016X", *sig.IssuerKeyId)
	case len(sig.IssuerFingerprint) >= 8:
		return fmt.Sprintf("%X", sig.IssuerFingerprint[len(sig.IssuerFingerprint)-8:])
	}
	return ""
}
