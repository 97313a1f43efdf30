package planner

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/reconciler/schedule"
)

// Compute plans the work of desired (this agent's part of the revision) at now. all is the
// whole revision: a Restore's source policy may belong to another agent's server.
func Compute(set, all *manifests.Set, act Actual, now time.Time) Plan {
	p := Plan{Now: now}
	for _, s := range set.Servers {
		planChecks(&p, s, act.Servers[s.Metadata.Name], now)
	}
	for _, pol := range set.Policies {
		planPolicy(&p, pol, act.Policies[pol.Metadata.Name], now)
	}
	for _, r := range set.Restores {
		planRestore(&p, all, r, act, now)
	}
	sort.SliceStable(p.Waiting, func(i, j int) bool { return p.Waiting[i].At.Before(p.Waiting[j].At) })
	return p
}

// Next is the earliest time something waits for, or the zero time.
func (p Plan) Next() time.Time {
	if len(p.Waiting) == 0 {
		return time.Time{}
	}
	return p.Waiting[0].At
}

func planChecks(p *Plan, s *manifests.Server, st ServerState, now time.Time) {
	interval, _ := manifests.ParseDuration(s.Spec.CheckInterval)
	obj := "server/" + s.Metadata.Name
	next := st.LastChecks.Add(interval)
	if st.Force || st.LastChecks.IsZero() || !now.Before(next) {
		p.Actions = append(p.Actions, Action{Kind: ActChecks, Server: s.Metadata.Name, Object: obj,
			Reason: reasonOr(st.Force, "requested", fmt.Sprintf("integrity checks every %s", interval))})
		next = now.Add(interval)
	}
	p.Waiting = append(p.Waiting, Waiting{Kind: ActChecks, Server: s.Metadata.Name, Object: obj, At: next, Reason: "next integrity checks"})
}

func reasonOr(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func planPolicy(p *Plan, pol *manifests.BackupPolicy, st PolicyState, now time.Time) {
	// Every time said about a policy is in its time zone, with the offset (issue 16).
	from := len(p.Waiting)
	defer func() {
		for i := from; i < len(p.Waiting); i++ {
			if !p.Waiting[i].At.IsZero() {
				p.Waiting[i].At = p.Waiting[i].At.In(pol.Spec.Location())
			}
		}
	}()
	spec := &pol.Spec
	obj := "policy/" + pol.Metadata.Name
	server := spec.Server
	if st.Stalled != "" && !st.Force {
		p.Blocked = append(p.Blocked, Waiting{Kind: ActBackup, Server: server, Object: obj, Reason: st.Stalled})
	} else if spec.Suspend || st.Suspended {
		p.Blocked = append(p.Blocked, Waiting{Kind: ActBackup, Server: server, Object: obj, Reason: "suspended"})
	} else {
		planBackup(p, pol, st, now)
	}
	planVerify(p, pol, st, now)
	if st.Force {
		p.Actions = append(p.Actions, Action{Kind: ActRetention, Server: server, Object: obj, Reason: "requested", Destructive: true})
	}
	planCrosscheck(p, pol, st, now)
}

// planCrosscheck copies verified sets missing from a replica, only to replicas whose
// backoff after a failure is over: a replica that cannot be written is tried again at its
// RetryAt, never in a loop.
func planCrosscheck(p *Plan, pol *manifests.BackupPolicy, st PolicyState, now time.Time) {
	spec := &pol.Spec
	obj := "policy/" + pol.Metadata.Name
	var missing []string
	var next time.Time
	for _, s := range st.Sets {
		if !s.Verified {
			continue
		}
		due := false
		for _, c := range spec.Copies {
			if slices.Contains(s.Replicas, c) {
				continue
			}
			if at := st.ReplicaRetry[c]; now.Before(at) {
				if next.IsZero() || at.Before(next) {
					next = at
				}
				continue
			}
			due = true
		}
		if due {
			missing = append(missing, s.ID)
		}
	}
	if len(missing) > 0 {
		p.Actions = append(p.Actions, Action{Kind: ActCrosscheck, Server: spec.Server, Object: obj, Sets: missing,
			Reason: fmt.Sprintf("%d verified set(s) missing from a replica", len(missing))})
	}
	if !next.IsZero() {
		p.Waiting = append(p.Waiting, Waiting{Kind: ActCrosscheck, Server: spec.Server, Object: obj, At: next, Reason: "replica retry after failure"})
	}
}

func planBackup(p *Plan, pol *manifests.BackupPolicy, st PolicyState, now time.Time) {
	spec := &pol.Spec
	obj := "policy/" + pol.Metadata.Name
	winStart, winLen := "", ""
	if spec.Window != nil {
		winStart, winLen = spec.Window.Start, spec.Window.Duration
	}
	sch, err := schedule.New(spec.Schedule, spec.TimeZone, winStart, winLen)
	if err != nil { // validated manifests cannot get here; say so rather than panic
		p.Blocked = append(p.Blocked, Waiting{Kind: ActBackup, Server: spec.Server, Object: obj, Reason: err.Error()})
		return
	}
	if !st.WaitUntil.IsZero() && now.Before(st.WaitUntil) {
		p.Waiting = append(p.Waiting, Waiting{Kind: ActBackup, Server: spec.Server, Object: obj, At: st.WaitUntil, Reason: "waiting for the maintenance window"})
		return
	}
	// A fresh `vaultkeeper reconcile` runs now; a requested run that failed (or that the
	// agent died in) is retried after its backoff like a scheduled one (issue 16), and the
	// time shown is when the run can really stop IIS: not before the window opens.
	if !st.Force && !st.RetryAt.IsZero() && now.Before(st.RetryAt) {
		at := st.RetryAt
		if winStart != "" && !sch.InWindow(at) {
			at = sch.NextWindowStart(at)
		}
		p.Waiting = append(p.Waiting, Waiting{Kind: ActBackup, Server: spec.Server, Object: obj, At: at, Reason: "retry after failure"})
		return
	}
	if st.Force || st.Requested {
		p.Actions = append(p.Actions, Action{Kind: ActBackup, Server: spec.Server, Object: obj, Reason: "requested",
			Steps: backupSteps(pol)})
		return
	}
	// Due-ness counts from the last success: a failed run is retried (after RetryAt) for the
	// same fire time, and after downtime one catch-up run covers every missed fire time. A
	// policy that never succeeded runs at its first chance, so a new install is protected
	// at once.
	d := sch.Due(st.LastSuccess, now)
	if d.Run {
		p.Actions = append(p.Actions, Action{Kind: ActBackup, Server: spec.Server, Object: obj,
			Reason: fmt.Sprintf("scheduled %s (%s)", d.Scheduled.Format(time.RFC3339), spec.Schedule), Steps: backupSteps(pol)})
		return
	}
	p.Waiting = append(p.Waiting, Waiting{Kind: ActBackup, Server: spec.Server, Object: obj, At: d.Next, Reason: d.Reason})
}

// backupSteps says what a backup of pol will do (backup.Steps' words).
func backupSteps(pol *manifests.BackupPolicy) []string {
	return words(backup.Plan(nil, pol))
}

func words(steps []runbook.Planned) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Words)
	}
	return out
}

func planVerify(p *Plan, pol *manifests.BackupPolicy, st PolicyState, now time.Time) {
	interval, _ := manifests.ParseDuration(pol.Spec.Verify.Interval)
	if interval <= 0 {
		return
	}
	obj := "policy/" + pol.Metadata.Name
	var due []string
	next := time.Time{}
	for _, s := range st.Sets {
		at := s.LastVerified.Add(interval)
		if s.LastVerified.IsZero() || !now.Before(at) {
			due = append(due, s.ID)
		} else if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	if len(due) > 0 {
		p.Actions = append(p.Actions, Action{Kind: ActVerify, Server: pol.Spec.Server, Object: obj, Sets: due,
			Reason: fmt.Sprintf("re-verify every %s", interval)})
	}
	if !next.IsZero() {
		p.Waiting = append(p.Waiting, Waiting{Kind: ActVerify, Server: pol.Spec.Server, Object: obj, At: next, Reason: "next re-verification"})
	}
}
