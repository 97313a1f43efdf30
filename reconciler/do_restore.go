package reconciler

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/guard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// restore runs the restore runbook of r with set id and records the outcome.
func (a *Agent) restore(ctx context.Context, desired, all *manifests.Set, revision string, r *manifests.Restore, id string) error {
	target := desired.Server(r.Spec.Server)
	pol := all.Policy(r.Spec.Source.Policy)
	if target == nil || pol == nil {
		return fmt.Errorf("restore/%s: server or policy not in the revision in force", r.Metadata.Name)
	}
	hash := r.SpecHash()
	object := "restore/" + r.Metadata.Name
	log := a.log.With("server", target.Metadata.Name, "restore", r.Metadata.Name, "set", id)
	j, err := a.opt.Store.BeginRun("restore", object, target.Metadata.Name, hash)
	if err != nil {
		return err
	}
	log = log.With("run", j.ID())
	j.SetSet(id)
	a.setRunning(object, true)
	defer a.setRunning(object, false)
	started := a.opt.Now()
	a.begin("restore", r.Metadata.Name, target.Metadata.Name, j.ID(), started, id)
	rb := &runbook.Runbook{Operation: "restore", Log: log, Journal: j, Observe: a.observer("restore")}
	meta, err := a.runRestore(ctx, desired, all, revision, r, target, pol, id, j, rb)
	err = a.withRunLog(err, j.ID())
	f := finished{op: "restore", name: r.Metadata.Name, server: target.Metadata.Name, journal: j, started: started,
		err: err, step: rb.FailedStep(), set: meta, hash: hash, targetHash: r.TargetHash()}
	if err != nil && slices.Contains(restore.Destructive, f.step) {
		f.rollback = a.rollbackHint(desired, r, started)
	}
	a.record(f)
	return err
}

func (a *Agent) runRestore(ctx context.Context, desired, all *manifests.Set, revision string, r *manifests.Restore, target *manifests.Server, pol *manifests.BackupPolicy, id string, j *state.Journal, rb *runbook.Runbook) (*catalog.Meta, error) {
	// Guards (validation refuses these too; a revision is re-checked here because a
	// destructive run must never rely on one place alone).
	if !target.Spec.AllowRestore {
		return nil, outcome.Stalledf("RestoreNotAllowed", "server %s does not have spec.allowRestore: true; set it to allow restore/%s to overwrite it", target.Metadata.Name, r.Metadata.Name)
	}
	if r.Spec.Confirm != r.Spec.Server {
		return nil, outcome.Stalledf("NotConfirmed", "restore/%s: spec.confirm %q must equal spec.server %q", r.Metadata.Name, r.Spec.Confirm, r.Spec.Server)
	}
	if a.opt.RequireSigned && !a.opt.Store.Snapshot().Source.SignatureVerified {
		return nil, outcome.Stalledf("NotSigned", "restore/%s: revision %s is not signed by a key in the keyring", r.Metadata.Name, revision)
	}
	dir := a.findSet(pol, id)
	meta, err := catalog.ReadMeta(dir)
	if err != nil {
		return nil, outcome.Stalled("SetUnreadable", fmt.Errorf("restore/%s: set %s: %w", r.Metadata.Name, dir, err))
	}
	if !meta.Complete() {
		return meta, outcome.Stalledf("SetIncomplete", "restore/%s: set %s is not complete", r.Metadata.Name, dir)
	}
	// The record as read now, not as scanned, must verify (issue 14): the NAS may have
	// changed since.
	if t := catalog.CheckTrust(meta, a.opt.SetKeys, all.RestoreAgents(r)); !t.MayRestore() {
		return meta, outcome.Stalledf("SetNotTrusted", "restore/%s: %s is not restored: %s", r.Metadata.Name, dir, t.Reason)
	}
	_, to, err := restore.Users(r, target, meta)
	if err != nil {
		return meta, err
	}
	pw, err := target.Spec.Oracle.SchemaPassword.Resolve()
	if err != nil {
		return meta, outcome.Stalled("SecretMissing", fmt.Errorf("server %s spec.oracle.schemaPassword: %w", target.Metadata.Name, err))
	}
	if err := errors.Join(j.SetRecovery(string(runbook.StartIIS), target.Spec.IIS.Start), j.SetRecovery(string(runbook.RevokeDBA), []string{to})); err != nil {
		return meta, err
	}
	runLog, closeLog := a.runLog(j.ID())
	defer closeLog()
	rb.Details = runLog
	h, err := a.opt.Hosts.For(target, runLog)
	if err != nil {
		return meta, err
	}
	conn, err := h.Oracle(ctx)
	if err != nil {
		return meta, fmt.Errorf("server %s: oracle: %w", target.Metadata.Name, err)
	}
	defer conn.Close()
	job := restore.PlanJob(all, r, id)
	if job == nil {
		return meta, fmt.Errorf("restore/%s: server or policy not in the revision in force", r.Metadata.Name)
	}
	job.SetDir, job.Meta, job.Verify = dir, meta, a.verifier
	job.SchemaPassword, job.Tablespace, job.ImportLog = pw, restore.DefaultTablespace(r, meta), filepath.Join(a.opt.Store.Dir(), "logs", j.ID()+"-import.log")
	job.IIS, job.Files, job.Admin, job.Import = h.IIS, h.Files, conn, conn
	job.Checks = a.restoreChecks(target, conn, desired)
	job.Preflight = restore.PreflightChecks(r, target, h.RestoreTools, job.Safety)
	// The safety backup is a whole backup run: its preflight (two Oracle calls), IIS stopped
	// and started, avbackup, the export and the verification.
	safety := 2*h.Timeouts.Oracle + time.Minute + 2*h.ServiceStop + h.Avbackup + 2*h.Dump
	job.Timeouts = restore.Timeouts{ServiceStop: h.ServiceStop, Avbackup: h.Avbackup, Dump: h.Dump, Oracle: h.Timeouts.Oracle, Verify: h.Dump, Safety: safety}
	job.Runbook = rb
	job.Record = &guard.RecordEntry{Run: j.ID(), Restore: r.Metadata.Name, SpecHash: r.TargetHash(), Set: id,
		Policy: meta.Policy, SourceAgent: meta.Agent, Agent: a.opt.Agent, Time: a.opt.Now().UTC()}
	if prev := a.opt.Store.Snapshot().Restores[r.Metadata.Name]; prev != nil && slices.Contains(restore.Destructive, prev.FailedStep) {
		job.AfterHalfDone = true // an explicit re-run: the schema may be gone already
	}
	if r.Spec.SafetyBackupEnabled() {
		if job.Safety == nil {
			return meta, outcome.Stalledf("NoSafetyDestination", "restore/%s: server %s has no BackupPolicy to hold the safety backup; add one or set spec.safetyBackup: false", r.Metadata.Name, target.Metadata.Name)
		}
		job.SafetyBackup = func(ctx context.Context) error {
			_, err := a.backup(ctx, desired, revision, job.Safety, catalog.KindSafety, r.Metadata.Name)
			return err
		}
	}
	return meta, restore.Run(ctx, job)
}

// rollbackHint names the safety set taken for r's run that started at started and the
// Restore that puts it back (manifests.RollbackRestore), for a failed restore's condition;
// "" when no safety set of that run is in the catalog.
func (a *Agent) rollbackHint(desired *manifests.Set, r *manifests.Restore, started time.Time) string {
	own := desired.PoliciesFor(r.Spec.Server)
	if len(own) == 0 {
		return ""
	}
	pol := own[0] // the policy whose destination holds the safety backup (restore.PlanJob)
	since := started.Truncate(time.Second)
	a.mu.Lock()
	sets := a.cat.Sets(r.Spec.Server, pol.Metadata.Name)
	a.mu.Unlock()
	for i := len(sets) - 1; i >= 0; i-- {
		s := sets[i]
		if s.Meta == nil || s.Meta.Kind != catalog.KindSafety || s.Meta.Restore != r.Metadata.Name || s.Time.Before(since) || s.Replica {
			continue
		}
		return fmt.Sprintf("; to roll back to safety set %s of policy %s (taken right before), apply this Restore, then confirm it with `vaultkeeper reconcile restore/%s` (the target's record holds it until then):\n%s",
			s.ID, pol.Metadata.Name, manifests.RollbackName(r.Metadata.Name), manifests.RollbackRestore(r, pol.Metadata.Name, s.ID))
	}
	return ""
}

// findSet is the folder of set id of pol: the primary destination when this host holds it
// there, else a replica that does (a restore on another host may only reach the NAS copy);
// only a copy whose record's signature verifies.
func (a *Agent) findSet(pol *manifests.BackupPolicy, id string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var replica string
	for _, s := range a.cat.Sets(pol.Spec.Server, pol.Metadata.Name) {
		if s.ID != id || !s.Complete() || !catalog.CheckTrust(s.Meta, a.opt.SetKeys, nil).MayRestore() {
			continue
		}
		if !s.Replica {
			return s.Dir
		}
		if replica == "" && s.Verified() {
			replica = s.Dir
		}
	}
	if replica != "" {
		return replica
	}
	return catalog.SetDir(pol.Spec.Destination, pol.Spec.Server, id)
}

// noteRestores brings the status in line with what the plan decided from the targets'
// restore records (issue 14 point 1): a Restore held because its target's record and the
// state dir disagree, or the record is incomplete or unreadable, gets a Stalled condition
// saying why and how to confirm; a Restore whose target's record says it is applied while
// the state dir knows nothing of it (an empty or new state dir) gets its restored set and
// time from the record, so `get restores` and restore_backup_age_seconds show them.
func (a *Agent) noteRestores(p planner.Plan, st state.Status) {
	a.mu.Lock()
	desired := a.desired
	a.mu.Unlock()
	held := map[string]string{}
	for _, b := range p.Blocked {
		if kind, name, _ := cut(b.Object); kind == "restore" && strings.HasPrefix(b.Reason, "held: ") {
			held[name] = b.Reason
		}
	}
	for name, why := range held {
		if o := st.Objects[manifests.KindRestore+"/"+name]; o != nil {
			// A failure this agent recorded already says why it is held, and names the
			// rollback: keep it.
			if c, ok := o.Condition(state.Stalled); ok && c.Status == "True" &&
				(c.Message == why || c.Reason == "RestoreFailed" || c.Reason == "RestoreInterrupted") {
				continue
			}
		}
		a.update(func(st *state.Status) {
			st.Object(manifests.KindRestore, name).SetCondition(state.Stalled, "True", "RestoreHeld", why)
		})
	}
	for _, r := range desired.Restores {
		name := r.Metadata.Name
		target := desired.Server(r.Spec.Server)
		if _, isHeld := held[name]; isHeld || target == nil {
			continue
		}
		if o := st.Objects[manifests.KindRestore+"/"+name]; o != nil {
			if c, ok := o.Condition(state.Stalled); ok && c.Status == "True" && c.Reason == "RestoreHeld" {
				a.update(func(st *state.Status) {
					st.Object(manifests.KindRestore, name).SetCondition(state.Stalled, "False", "", "")
				})
			}
		}
		if rt := st.Restores[name]; rt != nil && rt.AppliedHash != "" {
			continue
		}
		rec, err := guard.Lookup(target.Spec.InstallDir, name, r.TargetHash())
		if err != nil || rec.Kind != guard.Applied || rec.Entry == nil {
			continue
		}
		e := *rec.Entry
		at := e.Time
		if t, err := catalog.ParseSetID(e.Set); err == nil {
			at = t
		}
		a.log.Info("restore known from the target's record, not from the state dir", "restore", name, "set", e.Set, "record", rec.Entry.Run)
		a.update(func(st *state.Status) {
			rt := st.Restore(name)
			rt.Server, rt.AppliedHash, rt.RestoredSet, rt.RestoredAt = target.Metadata.Name, r.TargetHash(), e.Set, at
			if rt.LastSuccess.IsZero() {
				rt.LastSuccess = e.Time
			}
			st.Object(manifests.KindRestore, name).SetCondition(state.Ready, "True", "RestoredPerRecord",
				fmt.Sprintf("the target's restore record says set %s was restored by agent %s at %s (run %s)", e.Set, e.Agent, e.Time.UTC().Format(time.RFC3339), e.Run))
		})
	}
}
