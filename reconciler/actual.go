package reconciler

import (
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/guard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// Actual builds the planner's view of the actual state from the store and the read model.
// force holds the KIND/NAME objects asked for by `vaultkeeper reconcile`.
func Actual(desired *manifests.Set, st state.Status, model *view.Model, force map[string]bool) planner.Actual {
	act := planner.Actual{Policies: map[string]planner.PolicyState{}, Restores: map[string]planner.RestoreState{}, Servers: map[string]planner.ServerState{}}
	for _, s := range desired.Servers {
		act.Servers[s.Metadata.Name] = planner.ServerState{LastChecks: st.ServerChecks[s.Metadata.Name], Force: force["server/"+s.Metadata.Name]}
	}
	for name, mp := range model.Policies {
		if !mp.Own {
			// Another agent's policy: only its sets matter here, wherever this host sees them.
			act.Policies[name] = planner.PolicyState{Sets: mp.Sets}
		}
	}
	for _, p := range desired.Policies {
		name := p.Metadata.Name
		mp := model.Policy(name)
		ps := planner.PolicyState{Force: force["policy/"+name], Sets: mp.Sets}
		if rt := st.Policies[name]; rt != nil {
			ps.LastAttempt, ps.LastSuccess, ps.RetryAt, ps.Suspended = rt.LastAttempt, rt.LastSuccess, rt.RetryAt, rt.Suspended
			ps.WaitUntil, ps.Requested = rt.WaitUntil, rt.Requested
			for dst, r := range rt.Replicas {
				if ps.ReplicaRetry == nil {
					ps.ReplicaRetry = map[string]time.Time{}
				}
				ps.ReplicaRetry[dst] = r.RetryAt
			}
			if rt.Stalled != "" && rt.StalledHash == holdHash(desired.Server(p.Spec.Server), p) {
				ps.Stalled = rt.Stalled
			}
		}
		// The catalog is the truth when the state dir was lost: its newest set counts.
		if mp.Newest.After(ps.LastSuccess) {
			ps.LastSuccess = mp.Newest
		}
		act.Policies[name] = ps
	}
	for _, r := range desired.Restores {
		name := r.Metadata.Name
		rs := planner.RestoreState{Force: force["restore/"+name]}
		if rt := st.Restores[name]; rt != nil {
			rs.AppliedHash, rs.RestoredSet, rs.RestoredAt = rt.AppliedHash, rt.RestoredSet, rt.RestoredAt
			rs.LastAttempt, rs.RetryAt, rs.FailedHash, rs.Stalled = rt.LastAttempt, rt.RetryAt, rt.FailedHash, rt.Stalled
		}
		// The target's restore record decides whether this spec is applied (issue 14).
		if target := desired.Server(r.Spec.Server); target != nil {
			var err error
			if rs.Record, err = guard.Lookup(target.Spec.InstallDir, name, r.TargetHash()); err != nil {
				rs.RecordError = err.Error()
			}
		}
		act.Restores[name] = rs
	}
	return act
}
