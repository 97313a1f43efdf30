package view

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Model is the read model of one catalog: built by Build after every change of the
// catalog, never modified afterwards, so readers share it without copying.
type Model struct {
	// Policies holds the watched policies (this agent's and its Restores' sources) by name.
	Policies map[string]*Policy
	// Backups lists every set of the catalog, by policy, time and destination.
	Backups []BackupView
}

// Policy is what the catalog says about one policy.
type Policy struct {
	Name, Server string
	// Own is true for this agent's policies; false for another agent's policy a Restore
	// of this agent reads from.
	Own bool
	// Sets are the planner's sets: for an own policy the complete sets of its primary
	// destination with the replicas holding each; for another agent's policy every
	// complete set this host reaches (destination or replica), a verified copy preferred.
	// Oldest first; safety sets included.
	Sets []planner.Set
	// Newest is the time of the newest complete scheduled or manual set of the primary
	// destination (zero when none) and NewestSize its size.
	Newest     time.Time
	NewestSize catalog.Sizes
	// Verified and Unverified count the complete scheduled or manual sets of the primary
	// destination; OldestVerified is the oldest last-verification time among the verified.
	Verified, Unverified int
	OldestVerified       time.Time
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

// Roots are the folders the catalog scans for desired: every destination and replica of the
// watched policies.
func Roots(desired, all *manifests.Set) []catalog.Root {
	var roots []catalog.Root
	for _, p := range Watched(desired, all) {
		roots = append(roots, catalog.Root{Policy: p.Metadata.Name, Destination: p.Spec.Destination})
		for _, c := range p.Spec.Copies {
			roots = append(roots, catalog.Root{Policy: p.Metadata.Name, Destination: c, Replica: true})
		}
	}
	return roots
}

// Build reads the catalog once for desired (this agent's part) and all (the revision).
func Build(desired, all *manifests.Set, cat *catalog.Catalog) *Model {
	m := &Model{Policies: map[string]*Policy{}, Backups: []BackupView{}}
	if cat == nil {
		cat = &catalog.Catalog{}
	}
	for _, p := range desired.Policies {
		m.Policies[p.Metadata.Name] = ownPolicy(cat, p)
	}
	for _, p := range Watched(desired, all) {
		if _, ok := m.Policies[p.Metadata.Name]; !ok {
			m.Policies[p.Metadata.Name] = &Policy{Name: p.Metadata.Name, Server: p.Spec.Server, Sets: reachableSets(cat, p)}
		}
	}
	for _, k := range cat.Keys() {
		for _, s := range cat.Sets(k.Server, k.Policy) {
			m.Backups = append(m.Backups, BackupView{Policy: s.Policy, Server: s.Server, ID: s.ID, Time: s.Time, Kind: s.Meta.Kind,
				Verified: s.Verified(), Complete: s.Complete(), SizeBytes: s.Meta.Sizes().Total, Destination: s.Destination,
				Replica: s.Replica, Dir: s.Dir, Orphaned: OrphanReason(all, s.Policy, s.Destination)})
		}
	}
	slices.SortFunc(m.Backups, func(a, b BackupView) int {
		return cmp.Or(cmp.Compare(a.Policy, b.Policy), a.Time.Compare(b.Time), cmp.Compare(a.Destination, b.Destination))
	})
	return m
}

// Policy returns the model of policy name (an empty one when it is not watched).
func (m *Model) Policy(name string) *Policy {
	if p := m.Policies[name]; p != nil {
		return p
	}
	return &Policy{Name: name}
}

func ownPolicy(cat *catalog.Catalog, p *manifests.BackupPolicy) *Policy {
	out := &Policy{Name: p.Metadata.Name, Server: p.Spec.Server, Own: true}
	replicas := map[string][]string{}
	for _, c := range p.Spec.Copies {
		for _, s := range cat.SetsIn(c, p.Spec.Server, p.Metadata.Name) {
			if s.Complete() {
				replicas[s.ID] = append(replicas[s.ID], c)
			}
		}
	}
	for _, s := range cat.SetsIn(p.Spec.Destination, p.Spec.Server, p.Metadata.Name) {
		if !s.Complete() {
			continue
		}
		out.Sets = append(out.Sets, planner.Set{ID: s.ID, Time: s.Time, Verified: s.Verified(), LastVerified: s.Meta.LastVerified(),
			Kind: s.Meta.Kind, Replicas: replicas[s.ID]})
		if s.Meta.Kind == catalog.KindSafety {
			continue
		}
		if s.Verified() {
			out.Verified++
			if lv := s.Meta.LastVerified(); out.OldestVerified.IsZero() || lv.Before(out.OldestVerified) {
				out.OldestVerified = lv
			}
		} else {
			out.Unverified++
		}
		if s.Time.After(out.Newest) {
			out.Newest, out.NewestSize = s.Time, s.Meta.Sizes()
		}
	}
	return out
}

// reachableSets merges a policy's sets from its destination and replicas (a restore on
// another host may only reach a replica), oldest first, preferring a verified copy.
func reachableSets(cat *catalog.Catalog, p *manifests.BackupPolicy) []planner.Set {
	byID := map[string]planner.Set{}
	owner := &manifests.Set{Policies: []*manifests.BackupPolicy{p}}
	for _, s := range cat.Sets(p.Spec.Server, p.Metadata.Name) {
		if !s.Complete() || OrphanReason(owner, s.Policy, s.Destination) != "" { // an orphaned set is never used
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
