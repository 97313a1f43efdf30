package reconciler

import (
	"context"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/metrics"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// verifier runs L1 and L2 verification of a set folder. The results carry the agent's
// clock (Options.Now), not the wall clock setverify reads: planVerify compares them with
// that clock to decide when a set is re-verified.
func (a *Agent) verifier(ctx context.Context, dir string) ([]catalog.Verification, error) {
	rep, err := setverify.Verify(ctx, dir, catalog.LevelL1, catalog.LevelL2)
	now := a.opt.Now().UTC()
	for i := range rep.Levels {
		rep.Levels[i].Time = now
	}
	return rep.Levels, err
}

// snapshot is what /metrics exports, read at scrape time.
func (a *Agent) snapshot() metrics.Snapshot {
	st := a.opt.Store.Snapshot()
	a.mu.Lock()
	defer a.mu.Unlock()
	snap := metrics.Snapshot{ManifestsInvalid: a.invalid,
		Source: metrics.SourceStatus{LastSync: st.Source.LastSync, Revision: a.revision}}
	for _, p := range a.desired.Policies {
		name := p.Metadata.Name
		maxAge, _ := manifests.ParseDuration(p.Spec.MaxAge)
		vi, _ := manifests.ParseDuration(p.Spec.Verify.Interval)
		ps := metrics.PolicyStatus{Server: p.Spec.Server, Policy: name, MaxAge: maxAge, MinVerified: p.Spec.Retention.MinVerified,
			VerifyInterval: vi, Running: a.running["policy/"+name], FreeBytes: -1}
		if rt := st.Policies[name]; rt != nil {
			ps.LastAttempt = rt.LastAttempt
		}
		var oldestVerified time.Time
		for _, s := range a.cat.SetsIn(p.Spec.Destination, p.Spec.Server, name) {
			if !s.Complete() || s.Meta.Kind == catalog.KindSafety {
				continue
			}
			if s.Verified() {
				ps.SetsVerified++
				if lv := s.Meta.LastVerified(); oldestVerified.IsZero() || lv.Before(oldestVerified) {
					oldestVerified = lv
				}
			} else {
				ps.SetsUnverified++
			}
			if s.Time.After(ps.LastSuccess) {
				ps.LastSuccess = s.Time
				ps.Size = setSize(s.Meta)
			}
		}
		ps.LastVerified = oldestVerified
		if free, err := host.FreeBytes(p.Spec.Destination); err == nil {
			ps.FreeBytes = free
		}
		snap.Policies = append(snap.Policies, ps)
	}
	for _, r := range a.desired.Restores {
		maxLag, _ := manifests.ParseDuration(r.Spec.MaxLag)
		rs := metrics.RestoreStatus{Server: r.Spec.Server, Restore: r.Metadata.Name, MaxLag: maxLag}
		if rt := st.Restores[r.Metadata.Name]; rt != nil {
			rs.LastSuccess, rs.RestoredBackupTime = rt.LastSuccess, rt.RestoredAt
		}
		snap.Restores = append(snap.Restores, rs)
	}
	for _, c := range st.Checks {
		if a.desired.Server(c.Server) != nil {
			snap.Checks = append(snap.Checks, metrics.CheckStatus{Server: c.Server, Check: c.Check, OK: c.OK, LastRun: c.Time})
		}
	}
	return snap
}

func setSize(m *catalog.Meta) metrics.SetSize {
	var s metrics.SetSize
	for _, f := range m.Files {
		s.Total += f.Size
		switch f.Role {
		case catalog.RoleFiles:
			s.Files = f.Size
		case catalog.RoleDump:
			s.Dump = f.Size
		}
	}
	return s
}
