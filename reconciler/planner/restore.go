package planner

import (
	"fmt"
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
	target := pickSet(sets, spec.Source.Backup)
	if target == nil {
		reason := fmt.Sprintf("no verified set %s of policy %s yet", spec.Source.Backup, spec.Source.Policy)
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

// pickSet returns the newest verified set ("latest") or the named one if it is verified.
func pickSet(sets []Set, want string) *Set {
	for i := len(sets) - 1; i >= 0; i-- {
		s := &sets[i]
		if !s.Verified || s.Kind == "safety" {
			continue
		}
		if want == manifests.BackupLatest || s.ID == want {
			return s
		}
	}
	return nil
}

// RestoreSteps says, in words an admin checks in a pull request, what the restore will do
// (restore.Steps' words): which set, which host, the safety backup's folder, the statements.
func RestoreSteps(set *manifests.Set, r *manifests.Restore, setID string) []string {
	return words(restore.Plan(set, r, setID))
}
