package api

import (
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/statuspage"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// PageData fills the status page from the views Render serves for the same reading, so
// the page shows exactly what `vaultkeeper get` shows.
func PageData(r reconciler.Reading) statuspage.Data {
	d := statuspage.Data{Now: r.Now, Agent: r.Agent, Version: r.Version, Revision: r.Revision}
	src, _ := Render(r, "source")
	d.Source = src.(view.SourceView)
	servers, _ := Render(r, "servers")
	policies, _ := Render(r, "policies")
	restores, _ := Render(r, "restores")
	checks, _ := Render(r, "checks")
	byName := map[string]int{}
	for _, s := range servers.([]view.ServerView) {
		byName[s.Name] = len(d.Servers)
		d.Servers = append(d.Servers, statuspage.Server{ServerView: s})
	}
	server := func(name string) *statuspage.Server {
		i, ok := byName[name]
		if !ok { // not in the revision in force (cannot happen for a valid one): shown apart
			byName[name] = len(d.Servers)
			d.Servers = append(d.Servers, statuspage.Server{ServerView: view.ServerView{Name: name}})
			i = byName[name]
		}
		return &d.Servers[i]
	}
	for _, p := range policies.([]view.PolicyView) {
		pp := statuspage.Policy{PolicyView: p, Runs: view.Runs(r.Status.History, "policy/"+p.Name)}
		if pol := r.Desired.Policy(p.Name); pol != nil {
			if loc, err := time.LoadLocation(pol.Spec.TimeZone); err == nil {
				pp.Zone = loc
			}
		}
		s := server(p.Server)
		s.Policies = append(s.Policies, pp)
	}
	for _, rs := range restores.([]view.RestoreView) {
		s := server(rs.Server)
		s.Restores = append(s.Restores, statuspage.Restore{RestoreView: rs, Runs: view.Runs(r.Status.History, "restore/"+rs.Name)})
	}
	for _, c := range checks.([]state.Check) {
		s := server(c.Server)
		s.Checks = append(s.Checks, c)
	}
	return d
}
