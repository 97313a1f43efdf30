package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/schedule"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

func planRestore(p *Plan, set *manifests.Set, r *manifests.Restore, act Actual, now time.Time) {
	spec := &r.Spec
	obj := "restore/" + r.Metadata.Name
	st := act.Restores[r.Metadata.Name]
	// hash is what the target should hold (issue 14 point 6: maxLag, safetyBackup and window
	// edits do not restore again); specHash the whole spec, which a stalled failure is held
	// against (any edit may be the fix). State written before TargetHash existed holds the
	// spec hash as its applied hash: it still counts as applied.
	hash, specHash := r.TargetHash(), r.SpecHash()
	block := func(reason string) {
		p.Blocked = append(p.Blocked, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, Reason: reason})
	}
	if spec.Suspend {
		block("suspended")
		return
	}
	if st.RecordError != "" && !st.Force {
		block("held: the target's restore record cannot be read (" + st.RecordError + "); fix it, check the target, then run `vaultkeeper reconcile " + obj + "`")
		return
	}
	// The target's record decides, not the state dir (issue 14 point 1).
	dec := restorerecord.Decide(restorerecord.Input{Restore: r.Metadata.Name, SpecHash: hash,
		StateApplied: st.AppliedHash != "" && (st.AppliedHash == hash || st.AppliedHash == specHash),
		Record:       st.Record, Requested: st.Force})
	if dec.Verdict == restorerecord.Held {
		block("held: " + dec.Reason + "; " + dec.Confirm)
		return
	}
	switch {
	case st.Stalled != "" && !st.Force && st.FailedHash == specHash:
		block(st.Stalled)
		return
	case st.FailedHash == specHash && !st.Force:
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
	restoredSet, restoredAt := st.RestoredSet, st.RestoredAt
	if e := dec.Applied; dec.Verdict == restorerecord.Done && e != nil && e.Set != restoredSet {
		// An empty, new or older state dir: the target's record says what it holds.
		restoredSet, restoredAt = e.Set, e.Time
		if t, err := catalog.ParseSetID(e.Set); err == nil {
			restoredAt = t
		}
	}
	reason := ""
	switch {
	case st.Force:
		reason = "requested"
	case dec.Verdict != restorerecord.Done:
		reason = "new restore spec"
	case spec.Source.Backup != manifests.BackupLatest || spec.MaxLag == "":
		return // a fixed set, and latest without maxLag, restore once per target hash
	default:
		maxLag, _ := manifests.ParseDuration(spec.MaxLag)
		if target.ID == restoredSet {
			return
		}
		if maxLag > 0 && now.Sub(restoredAt) < maxLag {
			p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: restoredAt.Add(maxLag),
				Reason: fmt.Sprintf("newer set %s waits until the restored one is %s old", target.ID, maxLag)})
			return
		}
		reason = fmt.Sprintf("newer verified set %s; restored set %s is older than %s", target.ID, restoredSet, spec.MaxLag)
	}
	if !st.Force {
		if at, why := restoreWindowWait(set, r, now); !at.IsZero() {
			p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: at, Reason: why})
			return
		}
	}
	p.Actions = append(p.Actions, Action{Kind: ActRestore, Server: spec.Server, Object: obj, Sets: []string{target.ID},
		Reason: reason, Destructive: true, Steps: RestoreSteps(set, r, target.ID)})
}

// restoreWindowWait is when a restore due at now may start, zero when now is inside its
// window (spec.window, else the target's BackupPolicy window; none anywhere: any time).
func restoreWindowWait(set *manifests.Set, r *manifests.Restore, now time.Time) (time.Time, string) {
	w, zone := set.RestoreWindow(r)
	if w == nil {
		return time.Time{}, ""
	}
	// The cron expression is unused: only the window is asked.
	sch, err := schedule.New("0 0 * * *", zone, w.Start, w.Duration)
	if err != nil {
		return now.Add(time.Hour), "restore window: " + err.Error()
	}
	if sch.InWindow(now) {
		return time.Time{}, ""
	}
	at := sch.NextWindowStart(now)
	return at, fmt.Sprintf("waiting for the restore window (%s for %s, %s); `vaultkeeper reconcile restore/%s` starts it now", w.Start, w.Duration, zone, r.Metadata.Name)
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
