package reconciler

import (
	"context"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/metrics"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// verifier runs L1 and L2 verification of a set folder, stamped with the agent's clock.
func (a *Agent) verifier(ctx context.Context, dir string) ([]catalog.Verification, error) {
	return backup.SetVerifier(a.opt.Now)(ctx, dir)
}

// snapshot is what /metrics exports, read at scrape time from the read model and the status.
func (a *Agent) snapshot() metrics.Snapshot {
	r := a.read(false)
	snap := metrics.Snapshot{ManifestsInvalid: r.Invalid,
		Source: metrics.SourceStatus{LastSync: r.Status.Source.LastSync, Revision: r.Revision}, Servers: len(r.Desired.Servers)}
	for _, p := range r.Desired.Policies {
		name := p.Metadata.Name
		mp := r.Model.Policy(name)
		maxAge, _ := manifests.ParseDuration(p.Spec.MaxAge)
		vi, _ := manifests.ParseDuration(p.Spec.Verify.Interval)
		ps := metrics.PolicyStatus{Server: p.Spec.Server, Policy: name, MaxAge: maxAge, MinVerified: p.Spec.Retention.MinVerified,
			VerifyInterval: vi, Running: r.Running["policy/"+name], FreeBytes: -1,
			SetsVerified: mp.Verified, SetsUnverified: mp.Unverified, LastVerified: mp.OldestVerified, LastSuccess: mp.Newest,
			Size: metrics.SetSize{Total: mp.NewestSize.Total, Files: mp.NewestSize.Files, Dump: mp.NewestSize.Dump}, FutureSets: len(mp.Future)}
		if rt := r.Status.Policies[name]; rt != nil {
			ps.LastAttempt = rt.LastAttempt
		}
		for _, c := range p.Spec.Copies {
			rs := metrics.ReplicaStatus{Destination: c}
			if rt := r.Status.Policies[name]; rt != nil && rt.Replicas[c] != nil {
				rs.Failing, rs.LastSuccess = rt.Replicas[c].Failing(), rt.Replicas[c].LastSuccess
			}
			ps.Replicas = append(ps.Replicas, rs)
		}
		if free, err := host.FreeBytes(p.Spec.Destination); err == nil {
			ps.FreeBytes = free
		}
		snap.Policies = append(snap.Policies, ps)
	}
	for _, rs := range r.Desired.Restores {
		maxLag, _ := manifests.ParseDuration(rs.Spec.MaxLag)
		out := metrics.RestoreStatus{Server: rs.Spec.Server, Restore: rs.Metadata.Name, MaxLag: maxLag}
		if rt := r.Status.Restores[rs.Metadata.Name]; rt != nil {
			out.LastSuccess, out.RestoredBackupTime = rt.LastSuccess, rt.RestoredAt
		}
		snap.Restores = append(snap.Restores, out)
	}
	pending := map[[2]string]int{}
	for _, o := range r.Status.Obligations {
		pending[[2]string{o.Server, o.Kind}]++
	}
	for k, n := range pending {
		snap.Obligations = append(snap.Obligations, metrics.ObligationStatus{Server: k[0], Kind: k[1], Pending: n})
	}
	for _, c := range r.Status.Checks {
		if r.Desired.Server(c.Server) != nil {
			snap.Checks = append(snap.Checks, metrics.CheckStatus{Server: c.Server, Check: c.Check, OK: c.OK, LastRun: c.Time})
		}
	}
	return snap
}
