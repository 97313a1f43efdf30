package view

import (
	"path/filepath"
	"slices"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// OrphanReason says why a set of policy found in destination belongs to no policy of the
// revision all: the policy is not in it (deleted or renamed), or destination is neither
// the policy's destination nor one of its copies (the destination changed). "" when the
// set is owned. Orphaned sets are reported, never pruned or otherwise deleted.
func OrphanReason(all *manifests.Set, policy, destination string) string {
	if all == nil {
		return ""
	}
	p := all.Policy(policy)
	if p == nil {
		return "policy " + policy + " is not in the revision in force (deleted or renamed)"
	}
	dest := filepath.Clean(destination)
	if filepath.Clean(p.Spec.Destination) == dest {
		return ""
	}
	for _, c := range p.Spec.Copies {
		if filepath.Clean(c) == dest {
			return ""
		}
	}
	return "not in policy " + policy + "'s destination " + p.Spec.Destination + " or its copies (the destination changed)"
}

// Dropped are the roots of before whose folder is no root of after: a deleted policy's
// destination, a destination or copy a policy no longer uses. The agent keeps scanning them
// (read only) to report the sets left there as orphaned.
func Dropped(before, after []catalog.Root) []catalog.Root {
	var out []catalog.Root
	for _, b := range before {
		dest := filepath.Clean(b.Destination)
		in := func(r catalog.Root) bool { return filepath.Clean(r.Destination) == dest }
		if !slices.ContainsFunc(after, in) && !slices.ContainsFunc(out, in) {
			out = append(out, b)
		}
	}
	return out
}
