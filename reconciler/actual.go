package reconciler

import (
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Actual builds the planner's view of the actual state from the store and the catalog.
// force holds the KIND/NAME objects asked for by `vaultkeeper reconcile`.
func Actual(desired *manifests.Set, st state.Status, cat *catalog.Catalog, force map[string]bool) planner.Actual {
	act := planner.Actual{Policies: map[string]planner.PolicyState{}, Restores: map[string]planner.RestoreState{}, Servers: map[string]planner.ServerState{}}
	for _, s := range desired.Servers {
		act.Servers[s.Metadata.Name] = planner.ServerState{LastChecks: st.ServerChecks[s.Metadata.Name], Force: force["server/"+s.Metadata.Name]}
	}
	for _, p := range desired.Policies {
		name := p.Metadata.Name
		ps := planner.PolicyState{Force: force["policy/"+name]}
		if rt := st.Policies[name]; rt != nil {
			ps.LastAttempt, ps.LastSuccess, ps.RetryAt, ps.Suspended = rt.LastAttempt, rt.LastSuccess, rt.RetryAt, rt.Suspended
			if rt.Stalled != "" && rt.StalledHash == specHash(p.Spec) {
				ps.Stalled = rt.Stalled
			}
		}
		ps.Sets = planSets(cat, p)
		for _, s := range ps.Sets {
			// The catalog is the truth when the state dir was lost: its newest set counts.
			if s.Kind != catalog.KindSafety && s.Time.After(ps.LastSuccess) {
				ps.LastSuccess = s.Time
			}
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
		act.Restores[name] = rs
	}
	return act
}

// planSets lists a policy's primary sets with the replicas that hold each, oldest first.
func planSets(cat *catalog.Catalog, p *manifests.BackupPolicy) []planner.Set {
	if cat == nil {
		return nil
	}
	replicas := map[string][]string{}
	for _, c := range p.Spec.Copies {
		for _, s := range cat.SetsIn(c, p.Spec.Server, p.Metadata.Name) {
			if s.Complete() {
				replicas[s.ID] = append(replicas[s.ID], c)
			}
		}
	}
	var out []planner.Set
	for _, s := range cat.SetsIn(p.Spec.Destination, p.Spec.Server, p.Metadata.Name) {
		if !s.Complete() {
			continue
		}
		out = append(out, planner.Set{ID: s.ID, Time: s.Time, Verified: s.Verified(), LastVerified: s.Meta.LastVerified(),
			Kind: s.Meta.Kind, Replicas: replicas[s.ID]})
	}
	return out
}
