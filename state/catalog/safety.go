package catalog

import "fmt"

// SafetyRemoval is a safety set retention may remove, with the reason.
type SafetyRemoval struct {
	Set    Set
	Reason string
}

// PlanSafety applies safety-set retention (BackupPolicy spec.retention.keepSafety) to sets:
// the newest keep safety sets stay, older ones may go, except those mayPrune refuses (e.g.
// CheckTrust(...).MayPrune: a set whose signature cannot be checked or does not match is never
// deleted). Sets that are not safety sets are ignored: the policy's own rules handle them.
// sets must be oldest first, as the catalog returns them.
func PlanSafety(sets []Set, keep int, mayPrune func(Set) bool) []SafetyRemoval {
	var safety []Set
	for _, s := range sets {
		if s.Meta != nil && s.Meta.Kind == KindSafety {
			safety = append(safety, s)
		}
	}
	if keep < 1 {
		keep = 1 // the newest safety set is the way back from the last restore
	}
	var out []SafetyRemoval
	for i := 0; i < len(safety)-keep; i++ {
		s := safety[i]
		if mayPrune != nil && !mayPrune(s) {
			continue
		}
		out = append(out, SafetyRemoval{Set: s, Reason: fmt.Sprintf("safety set %s/%s (taken for Restore %s) is older than the newest %d safety sets (keepSafety)",
			s.Server, s.ID, s.Meta.Restore, keep)})
	}
	return out
}
