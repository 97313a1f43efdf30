package view

import (
	"cmp"
	"slices"
	"sort"
	"sync"
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
	// ValidUntil is when a future set stops being one and the model must be built again
	// (zero: never).
	ValidUntil time.Time
}

// Trust is what Build judges sets by (issue 14): the agent's clock, since a set dated more
// than catalog.MaxFutureSkew after Now is a future set and counts for nothing, and the set
// keys that check each record's signature (nil: none, so no signed set is trusted).
type Trust struct {
	Now  time.Time
	Keys *catalog.Keyring
	// Verdicts, when set, keeps the verdicts from one Build to the next (the agent builds
	// the model after every change of the catalog; checking a record costs tens of µs).
	Verdicts *Verdicts
}

// verdict judges one set's record, without the agent check (that is the Restore's).
func (t Trust) verdict(s catalog.Set) catalog.Trust {
	if t.Verdicts == nil {
		return catalog.CheckTrust(s.Meta, t.Keys, nil)
	}
	return t.Verdicts.get(s.Meta, t.Keys)
}

// Verdicts caches the verdict on each record by the record's identity: the catalog keeps a
// set's *catalog.Meta until the set is loaded again (catalog.Load, after a verification or
// a publish), so a changed record is judged afresh. The keys must not change between Builds.
type Verdicts struct {
	mu        sync.Mutex
	cur, next map[*catalog.Meta]catalog.Trust
}

func (v *Verdicts) get(m *catalog.Meta, k *catalog.Keyring) catalog.Trust {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.cur[m]
	if !ok {
		t = catalog.CheckTrust(m, k, nil)
	}
	if v.next == nil {
		v.next = map[*catalog.Meta]catalog.Trust{}
	}
	v.next[m] = t
	return t
}

// turn keeps only the verdicts the Build that ends used (the catalog's records now).
func (v *Verdicts) turn() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cur, v.next = v.next, nil
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
	// Future are the sets dated too far ahead, in every destination and replica: left out of
	// everything above.
	Future []catalog.FutureSet
	// Untrusted says, for each complete set in Sets whose record's signature is not trusted
	// (unsigned, forged, or not checkable with this agent's keys), why.
	Untrusted []string
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

// Build reads the catalog once for desired (this agent's part) and all (the revision), at
// t.Now with t.Keys. Future sets are left out of every policy's sets and counts.
func Build(desired, all *manifests.Set, cat *catalog.Catalog, t Trust) *Model {
	m := &Model{Policies: map[string]*Policy{}, Backups: []BackupView{}}
	if cat == nil {
		cat = &catalog.Catalog{}
	}
	if t.Verdicts != nil {
		defer t.Verdicts.turn()
	}
	future := map[string][]catalog.FutureSet{}
	futureDir := map[string]bool{}
	var dirs []string
	for _, k := range cat.Keys() {
		_, fs := catalog.SplitFuture(cat.Sets(k.Server, k.Policy), t.Now)
		for _, f := range fs {
			future[k.Policy] = append(future[k.Policy], f)
			dirs, futureDir[f.Set.Dir] = append(dirs, f.Set.Dir), true
			if from := f.TrustedFrom(); m.ValidUntil.IsZero() || from.Before(m.ValidUntil) {
				m.ValidUntil = from
			}
		}
	}
	now := cat
	if len(dirs) > 0 {
		now = cat.Without(dirs...)
	}
	for _, p := range desired.Policies {
		m.Policies[p.Metadata.Name] = ownPolicy(now, p, t)
	}
	for _, p := range Watched(desired, all) {
		if _, ok := m.Policies[p.Metadata.Name]; !ok {
			m.Policies[p.Metadata.Name] = &Policy{Name: p.Metadata.Name, Server: p.Spec.Server, Sets: reachableSets(now, p, t)}
		}
	}
	for name, p := range m.Policies {
		p.Future = future[name]
		for _, s := range p.Sets {
			if s.Trust != string(catalog.Trusted) {
				p.Untrusted = append(p.Untrusted, s.TrustReason)
			}
		}
	}
	for _, k := range cat.Keys() {
		for _, s := range cat.Sets(k.Server, k.Policy) {
			m.Backups = append(m.Backups, BackupView{Policy: s.Policy, Server: s.Server, ID: s.ID, Time: s.Time, Kind: s.Meta.Kind,
				Verified: s.Verified(), Complete: s.Complete(), SizeBytes: s.Meta.Sizes().Total, Destination: s.Destination,
				Replica: s.Replica, Dir: s.Dir, Future: futureDir[s.Dir], Signature: string(t.verdict(s).Verdict),
				Orphaned: OrphanReason(all, s.Policy, s.Destination)})
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

// plannerSet is s as the planner sees it, with the verdict on its record.
func plannerSet(s catalog.Set, t Trust) planner.Set {
	tr := t.verdict(s)
	return planner.Set{ID: s.ID, Time: s.Time, Verified: s.Verified(), LastVerified: s.Meta.LastVerified(), Kind: s.Meta.Kind,
		Agent: s.Meta.Agent, Trust: string(tr.Verdict), TrustReason: tr.Reason}
}

func ownPolicy(cat *catalog.Catalog, p *manifests.BackupPolicy, t Trust) *Policy {
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
		ps := plannerSet(s, t)
		ps.Replicas = replicas[s.ID]
		out.Sets = append(out.Sets, ps)
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
// another host may only reach a replica), oldest first, preferring a trusted copy, then a
// verified one.
func reachableSets(cat *catalog.Catalog, p *manifests.BackupPolicy, t Trust) []planner.Set {
	byID := map[string]planner.Set{}
	rank := func(s planner.Set) int {
		r := 0
		if s.Trust == string(catalog.Trusted) {
			r += 2
		}
		if s.Verified {
			r++
		}
		return r
	}
	owner := &manifests.Set{Policies: []*manifests.BackupPolicy{p}}
	for _, s := range cat.Sets(p.Spec.Server, p.Metadata.Name) {
		if !s.Complete() || OrphanReason(owner, s.Policy, s.Destination) != "" { // an orphaned set is never used
			continue
		}
		ps := plannerSet(s, t)
		if old, ok := byID[s.ID]; ok && rank(old) >= rank(ps) {
			continue
		}
		byID[s.ID] = ps
	}
	out := make([]planner.Set, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}
