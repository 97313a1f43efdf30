package api

import (
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// Views renders the list of kind (servers, policies, backups, restores, checks, source,
// runs, plan) from one reading of the agent.
func Views(a *reconciler.Agent, kind string) (any, bool) {
	return Render(a.Read(), kind)
}

// Render renders the list of kind from r.
func Render(r reconciler.Reading, kind string) (any, bool) {
	st, now, plan := r.Status, r.Now, r.Plan
	cond := func(k, n string) []state.Condition {
		if o := st.Objects[k+"/"+n]; o != nil {
			return o.Conditions
		}
		return nil
	}
	switch kind {
	case "servers":
		out := []view.ServerView{}
		for _, s := range r.Desired.Servers {
			v := view.ServerView{Name: s.Metadata.Name, Product: s.Spec.Product, AllowRestore: s.Spec.AllowRestore, Conditions: cond("Server", s.Metadata.Name)}
			for _, c := range st.Checks {
				if c.Server == s.Metadata.Name {
					if c.OK {
						v.ChecksOK++
					} else {
						v.ChecksFailed++
					}
				}
			}
			out = append(out, v)
		}
		return out, true
	case "policies":
		out := []view.PolicyView{}
		for _, p := range r.Desired.Policies {
			name := p.Metadata.Name
			mp := r.Model.Policy(name)
			v := view.PolicyView{Name: name, Server: p.Spec.Server, Schedule: p.Spec.Schedule, MaxAge: p.Spec.MaxAge,
				Suspended: p.Spec.Suspend, Running: r.Running["policy/"+name], SetsVerified: mp.Verified,
				Conditions: cond("BackupPolicy", name), Downtime: p.Spec.DowntimeMode()}
			if rt := st.Policies[name]; rt != nil && rt.DowntimeFallback != "" && v.Downtime == manifests.DowntimeMinimal {
				v.Downtime, v.DowntimeFallback = manifests.DowntimeVendor, rt.DowntimeFallback
			}
			if rt := st.Policies[name]; rt != nil {
				v.LastAttempt, v.LastResult, v.LastError, v.LastSuccess = rt.LastAttempt, rt.LastResult, rt.LastError, rt.LastSuccess
				v.Suspended = v.Suspended || rt.Suspended
			}
			// The catalog is the truth when the state dir was lost: its newest set counts.
			if mp.Newest.After(v.LastSuccess) {
				v.LastSuccess = mp.Newest
			}
			maxAge, _ := manifests.ParseDuration(p.Spec.MaxAge)
			v.Stale = v.LastSuccess.IsZero() || now.Sub(v.LastSuccess) > maxAge
			v.Next = nextFor(plan, "policy/"+name, planner.ActBackup)
			inZone(p.Spec.Location(), &v.Next, &v.LastAttempt, &v.LastSuccess)
			v.Replicas = view.Replicas(p.Spec.Copies, st.Policies[name])
			out = append(out, v)
		}
		return out, true
	case "backups":
		out := append([]view.BackupView{}, r.Model.Backups...)
		for i := range out {
			if p := r.Desired.Policy(out[i].Policy); p != nil {
				inZone(p.Spec.Location(), &out[i].Time)
			}
		}
		return out, true
	case "restores":
		out := []view.RestoreView{}
		for _, rs := range r.Desired.Restores {
			v := view.RestoreView{Name: rs.Metadata.Name, Server: rs.Spec.Server, Source: rs.Spec.Source.Policy + "/" + rs.Spec.Source.Backup,
				Conditions: cond("Restore", rs.Metadata.Name)}
			if rt := st.Restores[rs.Metadata.Name]; rt != nil {
				v.RestoredSet, v.LastSuccess, v.LastResult, v.LastError = rt.RestoredSet, rt.LastSuccess, rt.LastResult, rt.LastError
			}
			if loc := serverZone(r.Desired, rs.Spec.Server); loc != nil {
				inZone(loc, &v.LastSuccess)
			}
			out = append(out, v)
		}
		return out, true
	case "checks":
		out := []state.Check{}
		for _, c := range st.Checks {
			if r.Desired.Server(c.Server) != nil {
				cv := *c
				if loc := serverZone(r.Desired, c.Server); loc != nil {
					inZone(loc, &cv.Time)
				}
				out = append(out, cv)
			}
		}
		sort.Slice(out, func(i, j int) bool {
			return out[i].Server+"/"+out[i].Check < out[j].Server+"/"+out[j].Check
		})
		return out, true
	case "source":
		return view.SourceView{Source: st.Source, Revision: r.Revision, Rejected: r.Invalid}, true
	case "runs":
		return view.Runs(st.History, ""), true
	case "plan":
		return plan, true
	}
	return nil, false
}
func nextFor(p planner.Plan, object, kind string) time.Time {
	for _, a := range p.Actions {
		if a.Object == object && a.Kind == kind {
			return p.Now
		}
	}
	for _, w := range p.Waiting {
		if w.Object == object && w.Kind == kind {
			return w.At
		}
	}
	return time.Time{}
}

// serverZone is the time zone of server's first BackupPolicy (the one a Restore's window
// defaults to), nil when it has none: restore and check times follow their server's
// policy, so `get` shows one zone per server.
func serverZone(desired *manifests.Set, server string) *time.Location {
	if own := desired.PoliciesFor(server); len(own) > 0 {
		return own[0].Spec.Location()
	}
	return nil
}

// inZone puts each non-zero time in loc (a policy's time zone): `vaultkeeper get` shows a
// policy's times in its zone, with the offset, as `plan` does (issue 16).
func inZone(loc *time.Location, ts ...*time.Time) {
	for _, t := range ts {
		if !t.IsZero() {
			*t = t.In(loc)
		}
	}
}
