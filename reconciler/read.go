package reconciler

import (
	"maps"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// The API's JSON shapes, under their former names for callers that still use them.
type (
	ServerView  = view.ServerView
	PolicyView  = view.PolicyView
	BackupView  = view.BackupView
	RestoreView = view.RestoreView
)

// Reading is one consistent look at the agent: the revision in force, the status, the read
// model of the catalog and the plan at Now. The API renders it; nothing in it is shared
// with the loop (the model is never modified once built).
type Reading struct {
	Now      time.Time
	Revision string
	Invalid  bool // the newest revision was rejected
	Desired  *manifests.Set
	Status   state.Status
	Model    *view.Model
	Running  map[string]bool // KIND/NAME of runs in flight
	Plan     planner.Plan
	// Agent and Version name this agent (--agent) and its build (the status page's title).
	Agent, Version string
}

// Read takes a Reading at the agent's clock.
func (a *Agent) Read() Reading { return a.read(true) }

// read takes a Reading, with the plan only when asked: /metrics, read at every scrape,
// does not need one.
func (a *Agent) read(withPlan bool) Reading {
	now := a.opt.Now()
	st := a.opt.Store.Snapshot()
	a.mu.Lock()
	r := Reading{Now: now, Revision: a.revision, Invalid: a.invalid, Desired: a.desired, Status: st, Model: a.modelAt(now),
		Running: maps.Clone(a.running), Agent: a.opt.Agent, Version: a.opt.Version}
	all, force := a.all, maps.Clone(a.force)
	a.mu.Unlock()
	if withPlan {
		r.Plan = planner.Compute(r.Desired, all, Actual(r.Desired, st, r.Model, force), now)
	}
	return r
}

// Plan is what the loop would do at now, changing nothing.
func (a *Agent) Plan(now time.Time) planner.Plan {
	p, _ := a.planWith(now)
	return p
}

// planWith is Plan and the status it was computed from.
func (a *Agent) planWith(now time.Time) (planner.Plan, state.Status) {
	st := a.opt.Store.Snapshot()
	a.mu.Lock()
	desired, all, model, force := a.desired, a.all, a.modelAt(now), maps.Clone(a.force)
	a.mu.Unlock()
	return planner.Compute(desired, all, Actual(desired, st, model, force), now), st
}
