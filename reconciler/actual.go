package reconciler

import (
	"sort"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Actual builds the planner's view of the actual state from the store and the catalog.
// force holds the KIND/NAME objects asked for by `vaultkeeper reconcile`.
func Actual(desired, all *manifests.Set, st state.Status, cat *catalog.Catalog, force map[string]bool) planner.Actual {
	act := planner.Actual{Policies: map[string]planner.PolicyState{}, Restores: map[string]planner.RestoreState{}, Servers: map[string]planner.ServerState{}}
	for _, s := range desired.Servers {
		act.Servers[s.Metadata.Name] = planner.ServerState{LastChecks: st.ServerChecks[s.Metadata.Name], Force: force["server/"+s.Metadata.Name]}
	}
	for _, p := range desired.Policies {
		name := p.Metadata.Name
		ps := planner.PolicyState{Force: force["policy/"+name]}
		if rt := st.Policies[name]; rt != nil {
			ps.LastAttempt, ps.LastSuccess, ps.RetryAt, ps.Suspended = rt.LastAttempt, rt.LastSuccess, rt.RetryAt, rt.Suspended
			ps.WaitUntil, ps.Requested = rt.WaitUntil, rt.Requested
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
		src := all.Policy(r.Spec.Source.Policy)
		if _, mine := act.Policies[r.Spec.Source.Policy]; !mine && src != nil {
			// Another agent's policy: only its sets matter here, wherever this host sees them.
			act.Policies[src.Metadata.Name] = planner.PolicyState{Sets: reachableSets(cat, src)}
		}
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

// Watched lists the policies whose sets this agent scans: its own, and the sources of its
// Restores (which may belong to another agent's server).
func Watched(desired, all *manifests.Set) []*manifests.BackupPolicy {
	out := append([]*manifests.BackupPolicy(nil), desired.Policies...)
	seen := map[string]bool{}
	for _, p := range out {
		seen[p.Metadata.Name] = true
	}
	for _, r := range desired.Restores {
		if p := all.Policy(r.Spec.Source.Policy); p != nil && !seen[p.Metadata.Name] {
			seen[p.Metadata.Name] = true
			out = append(out, p)
		}
	}
	return out
}

// reachableSets merges a policy's sets from its destination and replicas (a restore on
// another host may only reach a replica), oldest first, preferring a verified copy.
func reachableSets(cat *catalog.Catalog, p *manifests.BackupPolicy) []planner.Set {
	if cat == nil {
		return nil
	}
	byID := map[string]planner.Set{}
	for _, s := range cat.Sets(p.Spec.Server, p.Metadata.Name) {
		if !s.Complete() {
			continue
		}
		if old, ok := byID[s.ID]; ok && (old.Verified || !s.Verified()) {
			continue
		}
		byID[s.ID] = planner.Set{ID: s.ID, Time: s.Time, Verified: s.Verified(), LastVerified: s.Meta.LastVerified(), Kind: s.Meta.Kind}
	}
	out := make([]planner.Set, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
