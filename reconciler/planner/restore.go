package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
)

func planRestore(p *Plan, set *manifests.Set, r *manifests.Restore, act Actual, now time.Time) {
	spec := &r.Spec
	obj := "restore/" + r.Metadata.Name
	st := act.Restores[r.Metadata.Name]
	hash := r.SpecHash()
	block := func(reason string) {
		p.Blocked = append(p.Blocked, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, Reason: reason})
	}
	switch {
	case spec.Suspend:
		block("suspended")
		return
	case st.Stalled != "" && !st.Force && st.FailedHash == hash:
		block(st.Stalled)
		return
	case st.FailedHash == hash && !st.Force:
		block("the last restore for this spec failed after it began overwriting the target; change the spec or run `vaultkeeper reconcile " + obj + "`")
		return
	}
	if !st.RetryAt.IsZero() && now.Before(st.RetryAt) && !st.Force {
		p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: st.RetryAt, Reason: "retry after failure"})
		return
	}
	pol := set.Policy(spec.Source.Policy)
	var sets []Set
	if pol != nil {
		sets = act.Policies[pol.Metadata.Name].Sets
	}
	target, passed := ResolveSet(set, r, sets)
	if target == nil {
		if len(passed) > 0 && spec.Source.Backup != manifests.BackupLatest {
			block(fmt.Sprintf("set %s of policy %s may not be restored: %s", spec.Source.Backup, spec.Source.Policy, strings.Join(passed, "; ")))
			return
		}
		reason := fmt.Sprintf("no verified set %s of policy %s yet", spec.Source.Backup, spec.Source.Policy)
		if len(passed) > 0 {
			reason = fmt.Sprintf("no trusted verified set of policy %s: %s", spec.Source.Policy, strings.Join(passed, "; "))
		}
		p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: now.Add(time.Minute), Reason: reason})
		return
	}
	reason := ""
	switch {
	case st.Force:
		reason = "requested"
	case spec.Source.Backup != manifests.BackupLatest:
		if st.AppliedHash == hash {
			return // a fixed set runs once per spec
		}
		reason = "new restore spec"
	case st.AppliedHash != hash:
		reason = "new restore spec"
	default:
		maxLag, _ := manifests.ParseDuration(spec.MaxLag)
		if target.ID == st.RestoredSet {
			return
		}
		if maxLag > 0 && now.Sub(st.RestoredAt) < maxLag {
			p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: st.RestoredAt.Add(maxLag),
				Reason: fmt.Sprintf("newer set %s waits until the restored one is %s old", target.ID, maxLag)})
			return
		}
		reason = fmt.Sprintf("newer verified set %s; restored set %s is older than %s", target.ID, st.RestoredSet, spec.MaxLag)
	}
	p.Actions = append(p.Actions, Action{Kind: ActRestore, Server: spec.Server, Object: obj, Sets: []string{target.ID},
		Reason: reason, Destructive: true, Steps: RestoreSteps(set, r, target.ID)})
}

// ResolveSet is the set r restores among sets (its source policy's, oldest first; all is
// the revision), and why newer sets, or the named one, were passed over (see pickSet).
func ResolveSet(all *manifests.Set, r *manifests.Restore, sets []Set) (*Set, []string) {
	return pickSet(sets, r.Spec.Source, all.RestoreAgents(r))
}

// maxPassed bounds the passed-over sets named in a plan or condition.
const maxPassed = 5

// pickSet returns the newest verified set ("latest") or the named one if it is verified,
// that may be restored (issue 14): its record's signature verifies and its agent is one of
// agents (empty: any). Safety sets are picked only by a source that names one
// (spec.source.safety), and only they are then. passed says why each newer set, or the
// named one, was passed over: unsigned, forged, unverifiable, or made by another agent.
func pickSet(sets []Set, src manifests.RestoreSource, agents []string) (pick *Set, passed []string) {
	want, skipped := src.Backup, 0
	for i := len(sets) - 1; i >= 0; i-- {
		s := &sets[i]
		if !s.Verified || (s.Kind == "safety") != src.Safety {
			continue
		}
		if want != manifests.BackupLatest && s.ID != want {
			continue
		}
		why := ""
		switch {
		case s.Trust != "trusted":
			why = s.TrustReason
		case len(agents) > 0 && !slices.Contains(agents, s.Agent):
			why = fmt.Sprintf("set %s was made by agent %q; the Restore's source allows %s", s.ID, s.Agent, strings.Join(agents, ", "))
		}
		if why == "" {
			if skipped > maxPassed {
				passed = append(passed, fmt.Sprintf("%d more", skipped-maxPassed))
			}
			return s, passed
		}
		if skipped++; skipped <= maxPassed {
			passed = append(passed, why)
		}
	}
	if skipped > maxPassed {
		passed = append(passed, fmt.Sprintf("%d more", skipped-maxPassed))
	}
	return nil, passed
}

// RestoreSteps says, in words an admin checks in a pull request, what the restore will do
// (restore.Steps' words): which set, which host, the safety backup's folder, the statements.
func RestoreSteps(set *manifests.Set, r *manifests.Restore, setID string) []string {
	return words(restore.Plan(set, r, setID))
}
