package reconciler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
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
	p := a.Plan(now)
	a.noteSetsIfDue()
	byServer := map[string][]planner.Action{}
	for _, act := range p.Actions {
		byServer[act.Server] = append(byServer[act.Server], act)
	}
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
		acts := byServer[s]
		for _, act := range acts {
			delete(a.force, act.Object)
		}
		a.busy[s] = true
		a.wg.Add(1)
		go a.work(ctx, s, acts)
	}
	a.mu.Unlock()
	sleep := a.opt.MaxSleep
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

// specHash identifies a spec revision (for stalled conditions that clear on a new spec).
func specHash(spec any) string {
	b, _ := json.Marshal(spec)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// policySchedule is for the window checks of a running backup.
func windowOf(p *manifests.BackupPolicy) (start, length string) {
	if p.Spec.Window == nil {
		return "", ""
	}
	return p.Spec.Window.Start, p.Spec.Window.Duration
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
