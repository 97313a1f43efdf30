package reconciler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/guard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// schedule plans now, starts a worker for every idle server with due actions, and returns
// how long the loop may sleep.
func (a *Agent) schedule(ctx context.Context) time.Duration {
	if ctx.Err() != nil {
		return time.Hour
	}
	now := a.opt.Now()
	a.notifyStale(now)
	p, st := a.planWith(now)
	a.noteSetsIfDue()
	a.noteRestores(p, st)
	byServer := map[string][]planner.Action{}
	for _, act := range p.Actions {
		byServer[act.Server] = append(byServer[act.Server], act)
	}
	leaseSleep := a.opt.MaxSleep
	a.mu.Lock()
	servers := make([]string, 0, len(byServer))
	for s := range byServer {
		servers = append(servers, s)
	}
	sort.Strings(servers)
	for _, s := range servers {
		if a.busy[s] {
			continue
		}
		if blk, ok := a.leaseWait[s]; ok {
			if wait := time.Until(blk.until); wait > 0 {
				leaseSleep = min(leaseSleep, wait)
				continue
			}
			delete(a.leaseWait, s)
		}
		acts := byServer[s]
		for _, act := range acts {
			delete(a.force, act.Object)
		}
		a.busy[s] = true
		a.wg.Add(1)
		go a.work(ctx, s, acts)
	}
	a.mu.Unlock()
	if next := a.scheduleObligations(ctx, now, st.Obligations); !next.IsZero() {
		leaseSleep = min(leaseSleep, next.Sub(now))
	}
	sleep := max(leaseSleep, 100*time.Millisecond)
	if next := p.Next(); !next.IsZero() {
		sleep = min(sleep, max(next.Sub(now), 100*time.Millisecond))
	}
	return sleep
}

// work runs one server's actions one after the other: operations on a server are serialized.
func (a *Agent) work(ctx context.Context, server string, acts []planner.Action) {
	defer a.wg.Done()
	defer func() {
		a.mu.Lock()
		delete(a.busy, server)
		a.mu.Unlock()
		a.Kick()
	}()
	ctx, release, err := a.holdLease(ctx, server, acts)
	if err != nil {
		return
	}
	defer release()
	for _, act := range acts {
		if ctx.Err() != nil {
			return
		}
		start := time.Now()
		err := a.do(ctx, act)
		result := "success"
		var logged *runLogError
		switch {
		case err == nil:
		case outcome.Kind(err) == "waiting":
			result = "waiting" // logged at INFO by the run's summary; not a failure
		case errors.As(err, &logged):
			result = "failure" // the run's summary logged it
		default:
			result = "failure"
			a.log.Error("action failed", "kind", act.Kind, "object", act.Object, "err", err)
		}
		a.Metrics.Reconciled(manifestKind(act.Object), result, time.Since(start))
	}
}

func (a *Agent) do(ctx context.Context, act planner.Action) error {
	a.mu.Lock()
	desired, all, revision := a.desired, a.all, a.revision
	a.mu.Unlock()
	_, name, _ := cut(act.Object)
	switch act.Kind {
	case planner.ActBackup:
		kind := catalog.KindScheduled
		if act.Reason == "requested" {
			kind = catalog.KindManual
		}
		_, err := a.backup(ctx, desired, revision, desired.Policy(name), kind, "")
		return err
	case planner.ActRetention:
		return a.retention(ctx, desired.Policy(name))
	case planner.ActVerify:
		return a.verifySets(ctx, desired.Policy(name), act.Sets)
	case planner.ActCrosscheck:
		return a.crosscheck(ctx, desired.Policy(name), act.Sets)
	case planner.ActRestore:
		return a.restore(ctx, desired, all, revision, desired.Restore(name), act.Sets[0])
	case planner.ActChecks:
		return a.runChecks(ctx, desired, desired.Server(name))
	}
	return nil
}

// scheduleObligations starts a worker for every idle server with recovery obligations due
// (issue 14 point 7) and returns the earliest retry time of those not due yet.
func (a *Agent) scheduleObligations(ctx context.Context, now time.Time, owed []*state.Obligation) time.Time {
	var next time.Time
	due := map[string]bool{}
	for _, o := range owed {
		if now.Before(o.RetryAt) {
			if next.IsZero() || o.RetryAt.Before(next) {
				next = o.RetryAt
			}
			continue
		}
		due[o.Server] = true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for s := range due {
		if a.busy[s] {
			continue
		}
		a.busy[s] = true
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			defer func() {
				a.mu.Lock()
				delete(a.busy, s)
				a.mu.Unlock()
			}()
			_ = a.dischargeDue(ctx, s, false) // settle logs and records each attempt
			a.Kick()
		}()
	}
	return next
}

// needsLease reports whether an action of kind runs a runbook on srv, and so holds its
// lease (issue 14 point 2): backups, restores and integrity checks. Checks of a server whose
// install dir is missing run without one: they report it, and there is nothing to guard.
func (a *Agent) needsLease(kind string, srv *manifests.Server) bool {
	if a.leases == nil {
		return false
	}
	switch kind {
	case planner.ActBackup, planner.ActRestore:
		return true
	case planner.ActChecks:
		_, err := os.Stat(srv.Spec.InstallDir)
		return !errors.Is(err, os.ErrNotExist)
	}
	return false
}

// leaseBlock is a server held back because another agent holds its lease.
type leaseBlock struct {
	until time.Time // wall clock: the holder's lease expiry
	err   error
}

// holdLease takes the lease of server for the worker's actions when one of them runs a
// runbook there (issue 14 point 2), renewed until release. When another agent holds it, the
// server is held back until that lease expires, every action's object says so, and the
// error is returned.
func (a *Agent) holdLease(ctx context.Context, server string, acts []planner.Action) (context.Context, func(), error) {
	a.mu.Lock()
	srv := a.desired.Server(server)
	a.mu.Unlock()
	need := false
	for _, act := range acts {
		need = need || (srv != nil && a.needsLease(act.Kind, srv))
	}
	if !need {
		return ctx, func() {}, nil
	}
	what := acts[0].Kind + " " + acts[0].Object
	if len(acts) > 1 {
		what += fmt.Sprintf(" and %d more", len(acts)-1)
	}
	lctx, held, err := a.leases.Hold(ctx, srv.Spec.InstallDir, what)
	if err != nil {
		blk := leaseBlock{until: guard.RetryAt(err, time.Now()), err: err}
		a.mu.Lock()
		a.leaseWait[server] = blk
		a.mu.Unlock()
		a.log.Error("server lease refused: another agent runs runbooks on this server", "server", server, "err", err)
		for _, act := range acts {
			a.leaseCondition(act, blk)
		}
		return ctx, nil, err
	}
	if held.TookOver != "" {
		a.log.Warn("took over a stale server lease", "server", server, "lease", held.TookOver)
	}
	return lctx, func() {
		if err := held.Release(); err != nil {
			a.log.Error("server lease not released", "server", server, "err", err)
		}
	}, nil
}

// leaseCondition says in act's object's Ready condition that it did not start because of
// blk; a requested action stays requested.
func (a *Agent) leaseCondition(act planner.Action, blk leaseBlock) {
	if act.Reason == "requested" {
		a.mu.Lock()
		a.force[act.Object] = true // still asked for once the lease is free
		a.mu.Unlock()
	}
	_, name, _ := cut(act.Object)
	a.update(func(st *state.Status) {
		st.Object(manifestKind(act.Object), name).SetCondition(state.Ready, "False", "ServerLeased",
			fmt.Sprintf("%s of %s not started: %v; retried after %s", act.Kind, act.Object, blk.err, blk.until.UTC().Format(time.RFC3339)))
	})
}

// specHash identifies a spec revision (for stalled conditions that clear on a new spec).
func specHash(spec any) string {
	b, _ := json.Marshal(spec)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// manifestKind is the kind label of reconcile_total: the manifest kind of KIND/NAME.
func manifestKind(object string) string {
	kind, _, _ := cut(object)
	switch kind {
	case "policy":
		return manifests.KindBackupPolicy
	case "restore":
		return manifests.KindRestore
	default:
		return manifests.KindServer
	}
}
