package reconciler

import (
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// The JSON shapes of the read-only API (`vaultkeeper get …`).

// ServerView is one server.
type ServerView struct {
	Name         string            `json:"name"`
	Product      string            `json:"product"`
	AllowRestore bool              `json:"allowRestore"`
	ChecksOK     int               `json:"checksOK"`
	ChecksFailed int               `json:"checksFailed"`
	Conditions   []state.Condition `json:"conditions,omitempty"`
}

// PolicyView is one backup policy.
type PolicyView struct {
	Name         string            `json:"name"`
	Server       string            `json:"server"`
	Schedule     string            `json:"schedule"`
	LastSuccess  time.Time         `json:"lastSuccess"`
	LastAttempt  time.Time         `json:"lastAttempt"`
	LastResult   string            `json:"lastResult"`
	LastError    string            `json:"lastError,omitempty"`
	MaxAge       string            `json:"maxAge"`
	Stale        bool              `json:"stale"`
	SetsVerified int               `json:"setsVerified"`
	Suspended    bool              `json:"suspended"`
	Running      bool              `json:"running"`
	Next         time.Time         `json:"next,omitempty"`
	Conditions   []state.Condition `json:"conditions,omitempty"`
}

// BackupView is one backup set.
type BackupView struct {
	Policy      string    `json:"policy"`
	Server      string    `json:"server"`
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Kind        string    `json:"kind"`
	Verified    bool      `json:"verified"`
	Complete    bool      `json:"complete"`
	SizeBytes   int64     `json:"sizeBytes"`
	Destination string    `json:"destination"`
	Replica     bool      `json:"replica"`
	Dir         string    `json:"dir"`
}

// RestoreView is one Restore.
type RestoreView struct {
	Name        string            `json:"name"`
	Server      string            `json:"server"`
	Source      string            `json:"source"`
	RestoredSet string            `json:"restoredSet,omitempty"`
	LastSuccess time.Time         `json:"lastSuccess"`
	LastResult  string            `json:"lastResult,omitempty"`
	LastError   string            `json:"lastError,omitempty"`
	Conditions  []state.Condition `json:"conditions,omitempty"`
}

// Views renders the API's lists.
func (a *Agent) Views(kind string) (any, bool) {
	st := a.opt.Store.Snapshot()
	now := a.opt.Now()
	plan := a.Plan(now)
	a.mu.Lock()
	defer a.mu.Unlock()
	cond := func(k, n string) []state.Condition {
		if o := st.Objects[k+"/"+n]; o != nil {
			return o.Conditions
		}
		return nil
	}
	switch kind {
	case "servers":
		out := []ServerView{}
		for _, s := range a.desired.Servers {
			v := ServerView{Name: s.Metadata.Name, Product: s.Spec.Product, AllowRestore: s.Spec.AllowRestore, Conditions: cond("Server", s.Metadata.Name)}
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
		out := []PolicyView{}
		act := Actual(a.desired, a.all, st, a.cat, nil)
		for _, p := range a.desired.Policies {
			name := p.Metadata.Name
			ps := act.Policies[name]
			v := PolicyView{Name: name, Server: p.Spec.Server, Schedule: p.Spec.Schedule, MaxAge: p.Spec.MaxAge,
				LastSuccess: ps.LastSuccess, Suspended: p.Spec.Suspend || ps.Suspended, Running: a.running["policy/"+name],
				Conditions: cond("BackupPolicy", name)}
			if rt := st.Policies[name]; rt != nil {
				v.LastAttempt, v.LastResult, v.LastError = rt.LastAttempt, rt.LastResult, rt.LastError
			}
			for _, s := range ps.Sets {
				if s.Verified && s.Kind != catalog.KindSafety {
					v.SetsVerified++
				}
			}
			maxAge, _ := manifests.ParseDuration(p.Spec.MaxAge)
			v.Stale = v.LastSuccess.IsZero() || now.Sub(v.LastSuccess) > maxAge
			v.Next = nextFor(plan, "policy/"+name, planner.ActBackup)
			out = append(out, v)
		}
		return out, true
	case "backups":
		out := []BackupView{}
		for _, k := range a.cat.Keys() {
			for _, s := range a.cat.Sets(k.Server, k.Policy) {
				v := BackupView{Policy: s.Policy, Server: s.Server, ID: s.ID, Time: s.Time, Kind: s.Meta.Kind, Verified: s.Verified(),
					Complete: s.Complete(), SizeBytes: setSize(s.Meta).Total, Destination: s.Destination, Replica: s.Replica, Dir: s.Dir}
				out = append(out, v)
			}
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Policy != out[j].Policy {
				return out[i].Policy < out[j].Policy
			}
			if !out[i].Time.Equal(out[j].Time) {
				return out[i].Time.Before(out[j].Time)
			}
			return out[i].Destination < out[j].Destination
		})
		return out, true
	case "restores":
		out := []RestoreView{}
		for _, r := range a.desired.Restores {
			v := RestoreView{Name: r.Metadata.Name, Server: r.Spec.Server, Source: r.Spec.Source.Policy + "/" + r.Spec.Source.Backup,
				Conditions: cond("Restore", r.Metadata.Name)}
			if rt := st.Restores[r.Metadata.Name]; rt != nil {
				v.RestoredSet, v.LastSuccess, v.LastResult, v.LastError = rt.RestoredSet, rt.LastSuccess, rt.LastResult, rt.LastError
			}
			out = append(out, v)
		}
		return out, true
	case "checks":
		out := []state.Check{}
		for _, c := range st.Checks {
			if a.desired.Server(c.Server) != nil {
				out = append(out, *c)
			}
		}
		sort.Slice(out, func(i, j int) bool {
			return out[i].Server+"/"+out[i].Check < out[j].Server+"/"+out[j].Check
		})
		return out, true
	case "source":
		return st.Source, true
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
