package reconciler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/retention"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// retention applies the policy's rules to the primary destination and to every replica,
// each on its own sets. Every removal is journaled before it happens and logged with the
// rules that no longer keep it. Safety sets are not counted by the policy's rules: keepSafety
// keeps its own count of them (issue 14). Future sets, and sets whose record's signature
// cannot be checked or does not match, are neither counted nor removed.
func (a *Agent) retention(ctx context.Context, pol *manifests.BackupPolicy) error {
	if pol == nil {
		return nil
	}
	object := "policy/" + pol.Metadata.Name
	j, err := a.opt.Store.BeginRun("retention", object, pol.Spec.Server, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, dest := range append([]string{pol.Spec.Destination}, pol.Spec.Copies...) {
		errs = append(errs, a.prune(ctx, j, pol, dest))
	}
	err = errors.Join(errs...)
	a.record(finished{op: "retention", name: pol.Metadata.Name, server: pol.Spec.Server, journal: j, err: err})
	return err
}

func (a *Agent) prune(ctx context.Context, j *state.Journal, pol *manifests.BackupPolicy, dest string) error {
	a.mu.Lock()
	sets := a.cat.SetsIn(dest, pol.Spec.Server, pol.Metadata.Name)
	a.mu.Unlock()
	sets, future := catalog.SplitFuture(sets, a.opt.Now())
	for _, f := range future {
		a.log.Warn("future set left out of retention", "policy", pol.Metadata.Name, "reason", f.Reason)
	}
	mayPrune := func(s catalog.Set) bool { return catalog.CheckTrust(s.Meta, a.opt.SetKeys, nil).MayPrune() }
	byID := map[string]catalog.Set{}
	var prunable []catalog.Set
	for _, s := range sets {
		if t := catalog.CheckTrust(s.Meta, a.opt.SetKeys, nil); !t.MayPrune() && s.Meta.Kind != catalog.KindSafety {
			a.log.Warn("set left out of retention: its signature cannot be checked or does not match", "policy", pol.Metadata.Name,
				"destination", dest, "reason", t.Reason)
			continue
		}
		byID[s.ID] = s
		prunable = append(prunable, s)
	}
	plan := retention.Plan(retention.ForSets(prunable), retention.FromSpec(pol.Spec.Retention), pol.Spec.Location())
	type removal struct {
		set catalog.Set
		why string
	}
	var remove []removal
	for _, d := range plan.Remove {
		remove = append(remove, removal{byID[d.ID], "retention of policy " + pol.Metadata.Name + ": " + strings.Join(d.Reasons, ", ")})
	}
	for _, r := range catalog.PlanSafety(sets, pol.Spec.Retention.KeepSafety, mayPrune) {
		remove = append(remove, removal{r.Set, "retention of policy " + pol.Metadata.Name + ": " + r.Reason})
	}
	var errs []error
	for _, r := range remove {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, why := r.set, r.why
		step := "remove " + s.Dir
		if err := j.StepStarted(step); err != nil {
			return err
		}
		err := catalog.Remove(dest, s.Dir, why)
		j.StepFinished(step, err)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a.changeCatalog(func(c *catalog.Catalog) *catalog.Catalog { return c.Without(s.Dir) })
		a.log.Info("set removed", "policy", pol.Metadata.Name, "set", s.ID, "destination", dest, "why", why)
	}
	return errors.Join(errs...)
}

// verifySets re-verifies sets (primary and replicas) and records the results in each
// set's vaultkeeper.json.
func (a *Agent) verifySets(ctx context.Context, pol *manifests.BackupPolicy, ids []string) error {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	a.mu.Lock()
	var todo []catalog.Set
	for _, dest := range append([]string{pol.Spec.Destination}, pol.Spec.Copies...) {
		for _, s := range a.cat.SetsIn(dest, pol.Spec.Server, pol.Metadata.Name) {
			if want[s.ID] {
				todo = append(todo, s)
			}
		}
	}
	a.mu.Unlock()
	j, err := a.opt.Store.BeginRun("verify", "policy/"+pol.Metadata.Name, pol.Spec.Server, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range todo {
		step := "verify " + s.Dir
		j.StepStarted(step)
		vs, err := a.verifier(ctx, s.Dir)
		for i := range vs {
			vs[i].Where = s.Destination
		}
		if err == nil {
			err = catalog.AppendVerifications(s.Dir, vs)
		}
		a.putSets(s.Destination, s.Replica, s.Dir)
		for _, v := range vs {
			if !v.OK {
				err = errors.Join(err, fmt.Errorf("set %s in %s failed %s: %s", s.ID, s.Destination, v.Level, strings.Join(v.Problems, "; ")))
			}
		}
		j.StepFinished(step, err)
		errs = append(errs, err)
	}
	err = errors.Join(errs...)
	a.record(finished{op: "verify", name: pol.Metadata.Name, server: pol.Spec.Server, journal: j, err: err, verified: len(todo)})
	return err
}

// crosscheck copies verified sets missing from a replica, to each replica whose backoff is
// over, and records each replica's outcome: a replica that fails waits for its own RetryAt.
func (a *Agent) crosscheck(ctx context.Context, pol *manifests.BackupPolicy, ids []string) error {
	now := a.opt.Now()
	retry := map[string]time.Time{}
	if rt := a.opt.Store.Snapshot().Policies[pol.Metadata.Name]; rt != nil {
		for dst, r := range rt.Replicas {
			retry[dst] = r.RetryAt
		}
	}
	var errs []error
	for _, c := range pol.Spec.Copies {
		if now.Before(retry[c]) {
			continue
		}
		var cerrs []error
		for _, id := range ids {
			src := catalog.SetDir(pol.Spec.Destination, pol.Spec.Server, id)
			err := backup.Replicate(ctx, src, c, pol.Spec.Server, a.verifier)
			a.putSets(c, true, catalog.SetDir(c, pol.Spec.Server, id))
			if err != nil {
				cerrs = append(cerrs, err)
				break // the next set would meet the same replica
			}
		}
		err := errors.Join(cerrs...)
		a.recordReplica(pol.Spec.Server, pol.Metadata.Name, c, err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
