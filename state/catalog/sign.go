package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// Keyring is the set keys that sign and verify set records (setsig.Keyring), named here so
// that the catalog's users need not import setsig to pass one along.
type Keyring = setsig.Keyring

// SignedBytes are the bytes of m a signature covers: the record as JSON without its
// signature and without its verification results. Verifications are observations appended
// later (also by `vaultkeeper verify --record`, which may run without the key); what they
// vouch for, the size and SHA-256 of every file, is itself signed, and a restore checks the
// files against it again.
func (m *Meta) SignedBytes() ([]byte, error) {
	c := *m
	c.Signature, c.Verifications = nil, nil
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("set %s: encode record for its signature: %w", m.ID, err)
	}
	return b, nil
}

// Sign sets m's signature with the keyring's signing key. Call it last before WriteMeta.
func (m *Meta) Sign(k *setsig.Keyring) error {
	b, err := m.SignedBytes()
	if err != nil {
		return err
	}
	sig := k.Sign(b)
	m.Signature = &sig
	return nil
}

// VerifySignature checks m's signature; errors wrap setsig.ErrUnsigned, ErrUnknownKey or
// ErrForged.
func (m *Meta) VerifySignature(k *setsig.Keyring) error {
	b, err := m.SignedBytes()
	if err != nil {
		return err
	}
	if err := k.Verify(b, m.Signature); err != nil {
		return fmt.Errorf("set %s/%s: %w", m.Server, m.ID, err)
	}
	return nil
}

// TrustVerdict classifies a set for restores and retention.
type TrustVerdict string

const (
	// Trusted: the signature verifies and the agent is allowed.
	Trusted TrustVerdict = "trusted"
	// Unsigned: no signature (made before signing, or planted): never restored.
	Unsigned TrustVerdict = "unsigned"
	// Forged: the signature does not match: never restored, never pruned (evidence).
	Forged TrustVerdict = "forged"
	// Unverifiable: signed with a key this agent does not hold: never restored, never pruned.
	Unverifiable TrustVerdict = "unverifiable"
	// AgentNotAllowed: authentic, but made by an agent the Restore's source does not allow.
	AgentNotAllowed TrustVerdict = "agent-not-allowed"
)

// Trust is the verdict on one set with its reason.
type Trust struct {
	Verdict TrustVerdict
	Reason  string
}

// MayRestore reports whether a Restore (or `latest`) may use the set.
func (t Trust) MayRestore() bool { return t.Verdict == Trusted }

// MayPrune reports whether retention may remove the set: not when its signature cannot be
// checked or does not match.
func (t Trust) MayPrune() bool { return t.Verdict != Forged && t.Verdict != Unverifiable }

// CheckTrust decides whether m may be restored: its signature must verify with k and, when
// agents is not empty, its agent must be one of them (a Restore's spec.source.agents,
// defaulting to the source Server's spec.agent; the caller supplies the default).
// A nil k holds no key: a signed set is then Unverifiable.
func CheckTrust(m *Meta, k *setsig.Keyring, agents []string) Trust {
	if k == nil {
		if m.Signature == nil {
			return Trust{Unsigned, fmt.Sprintf("set %s/%s carries no signature", m.Server, m.ID)}
		}
		return Trust{Unverifiable, fmt.Sprintf("set %s/%s: signed with key %s, but no set key was given to check it", m.Server, m.ID, m.Signature.KeyID)}
	}
	err := m.VerifySignature(k)
	switch {
	case errors.Is(err, setsig.ErrUnsigned):
		return Trust{Unsigned, fmt.Sprintf("set %s/%s carries no signature", m.Server, m.ID)}
	case errors.Is(err, setsig.ErrUnknownKey):
		return Trust{Unverifiable, err.Error()}
	case err != nil:
		return Trust{Forged, err.Error()}
	case len(agents) > 0 && !slices.Contains(agents, m.Agent):
		return Trust{AgentNotAllowed, fmt.Sprintf("set %s/%s was made by agent %q; the Restore's source allows %v", m.Server, m.ID, m.Agent, agents)}
	}
	return Trust{Trusted, fmt.Sprintf("set %s/%s signed with key %s by agent %q", m.Server, m.ID, m.Signature.KeyID, m.Agent)}
}
