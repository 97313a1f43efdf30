package reconciler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// obligationBackoff spaces the attempts of a recovery obligation that failed (Oracle not up
// yet after a reboot: ORA-12541): 30 s doubling up to 10 min, for as long as it takes.
var obligationBackoff = outcome.Backoff{Base: 30 * time.Second, Max: 10 * time.Minute}

// recover finishes the runs an earlier agent died in: what the run owes its server (start
// IIS if it had stopped it, revoke DBA and grant the quotas REVOKE DBA drops if a restore
// had granted it) becomes an obligation kept in state until it succeeds, the run's own
// .partial folder is removed, and the run is marked failed at the step it died in. It never
// re-runs a destructive restore: the failure is recorded against the spec hash and the
// target's restore record is left incomplete, so only an explicit reconcile does.
//
// A journal that cannot be parsed is set aside (renamed *.damaged) and reported; the other
// runs are still recovered. The IIS start command comes from the manifest in force, never
// from a journal: a file planted in the state dir must not choose what runs.
func (a *Agent) recover(ctx context.Context) error {
	runs, damaged, err := a.opt.Store.RecoverableRuns()
	if err != nil {
		return err
	}
	errs := damaged
	for _, d := range damaged {
		a.log.Error("damaged journal set aside; its run cannot be recovered (check the server by hand)", "err", d)
	}
	// What each run owes goes into state first (so it survives another crash), is then
	// tried, and only then is the run closed as failed.
	reasons := make([]string, len(runs))
	for i, j := range runs {
		r := j.Run()
		log := a.log.With("run", r.ID, "object", r.Object, "step", r.LastStarted())
		log.Warn("found a run the agent died in; recovering")
		if owed := owedBy(r, a.opt.Now()); len(owed) > 0 {
			a.update(func(st *state.Status) { st.Obligations = append(st.Obligations, owed...) })
		}
		reasons[i] = "the agent stopped during step " + r.LastStarted()
		if v := r.Recovery[string(runbook.RemovePartial)]; r.Kind == "backup" && len(v) == 2 && owes(r, runbook.RemovePartial) {
			if err := removePartial(v[0], v[1]); err != nil {
				reasons[i] += "; recovery: " + err.Error()
				errs = append(errs, err)
			}
		}
	}
	errs = append(errs, a.dischargeDue(ctx, "", true))
	for i, j := range runs {
		if err := a.abandon(j, j.Run(), reasons[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// owedBy lists what recovery owes the server of r, a run the agent died in, from its
// runbook's steps: start IIS once a step that stops it started; revoke DBA (and grant the
// quotas REVOKE DBA takes along) once grant-dba started, unless grant-quotas finished.
func owedBy(r state.Run, now time.Time) []*state.Obligation {
	var out []*state.Obligation
	seen := map[runbook.Recovery]bool{}
	for _, o := range obligations(r.Kind) {
		if !r.Reached(o.Step) || seen[o.Recovery] {
			continue
		}
		ob := &state.Obligation{Kind: string(o.Recovery), Server: r.Server, Object: r.Object, Run: r.ID, Since: now}
		switch o.Recovery {
		case runbook.StartIIS:
		case runbook.RevokeDBA:
			v := r.Recovery[string(runbook.RevokeDBA)]
			if len(v) != 1 || doneStep(r, "grant-quotas") {
				continue
			}
			ob.User, ob.Revoked = v[0], doneStep(r, "revoke-dba")
		default:
			continue
		}
		seen[o.Recovery] = true
		out = append(out, ob)
	}
	// Start IIS last: after the schema is no longer DBA.
	for i := 0; i+1 < len(out); i++ {
		if out[i].Kind == string(runbook.StartIIS) {
			out = append(append(out[:i:i], out[i+1:]...), out[i])
			break
		}
	}
	return out
}

// owes says whether r reached a step of its runbook that owes rec.
func owes(r state.Run, rec runbook.Recovery) bool {
	for _, o := range obligations(r.Kind) {
		if o.Recovery == rec && r.Reached(o.Step) {
			return true
		}
	}
	return false
}

// obligations are the recovery obligations of a run of kind, from its runbook's steps.
func obligations(kind string) []runbook.Obligation {
	switch kind {
	case "backup":
		return runbook.Obligations(backup.Steps)
	case "restore":
		return runbook.Obligations(restore.Steps)
	}
	return nil
}

// removePartial removes a backup's own .partial folder, named in its journal, only when it
// is a .partial set folder directly under the journal's destination.
func removePartial(dest, dir string) error {
	if strings.HasSuffix(dir, catalog.PartialSuffix) && filepath.Dir(filepath.Dir(dir)) == filepath.Clean(dest) {
		return os.RemoveAll(dir)
	}
	return nil
}

func doneStep(r state.Run, name string) bool {
	for _, s := range r.Steps {
		if s.Name == name && s.State == state.StepDone {
			return true
		}
	}
	return false
}

// dischargeDue tries the pending obligations (of server, or every server when ""), those
// whose retry time has come or all with force, holding each server's lease. A success
// removes the obligation; a failure is counted and retried after capped backoff, and the
// run's object says what is still owed.
func (a *Agent) dischargeDue(ctx context.Context, server string, force bool) error {
	now := a.opt.Now()
	pending := map[string][]state.Obligation{}
	var servers []string
	for _, o := range a.opt.Store.Snapshot().Obligations {
		if (server != "" && o.Server != server) || (!force && now.Before(o.RetryAt)) {
			continue
		}
		if pending[o.Server] == nil {
			servers = append(servers, o.Server)
		}
		pending[o.Server] = append(pending[o.Server], *o)
	}
	var errs []error
	for _, srvName := range servers {
		errs = append(errs, a.dischargeServer(ctx, srvName, pending[srvName]))
	}
	return errors.Join(errs...)
}

// dischargeServer tries the obligations owed to one server while holding its lease.
func (a *Agent) dischargeServer(ctx context.Context, name string, owed []state.Obligation) error {
	a.mu.Lock()
	srv := a.desired.Server(name)
	a.mu.Unlock()
	var serr error
	if srv == nil {
		serr = fmt.Errorf("server %s is not in the revision in force (none yet, or removed): waiting for one", name)
	} else if a.leases != nil {
		lctx, held, err := a.leases.Hold(ctx, srv.Spec.InstallDir, "recovery")
		if err != nil {
			serr = err
		} else {
			if held.TookOver != "" {
				a.log.Warn("took over a stale server lease", "server", name, "lease", held.TookOver)
			}
			defer func() {
				if err := held.Release(); err != nil {
					a.log.Error("server lease not released", "server", name, "err", err)
				}
			}()
			ctx = lctx
		}
	}
	var errs []error
	for _, o := range owed {
		err := serr
		if err == nil {
			err = a.discharge(ctx, srv, o)
		}
		a.settle(o, err)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// discharge does what obligation o owes srv, with srv's adapters (the manifest in force).
func (a *Agent) discharge(ctx context.Context, srv *manifests.Server, o state.Obligation) error {
	h, err := a.opt.Hosts.For(srv, nil)
	if err != nil {
		return err
	}
	switch runbook.Recovery(o.Kind) {
	case runbook.StartIIS:
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		if err := h.IIS.Start(ctx); err != nil {
			return fmt.Errorf("start IIS on %s after a crash (%s): %w", srv.Metadata.Name, strings.Join(srv.Spec.IIS.Start, " "), err)
		}
	case runbook.RevokeDBA:
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		conn, err := h.Oracle(ctx)
		if err != nil {
			return fmt.Errorf("revoke DBA from %s: %w", o.User, err)
		}
		defer conn.Close()
		if !o.Revoked {
			if err := conn.RevokeDBA(ctx, o.User); err != nil {
				return fmt.Errorf("revoke DBA from %s: %w", o.User, err)
			}
		}
		// REVOKE DBA takes UNLIMITED TABLESPACE along (and on 11.2/12.1 every quota):
		// give back a quota on every tablespace the schema's segments use (issue 15).
		used, err := conn.SchemaTablespaces(ctx, o.User)
		if err != nil {
			return fmt.Errorf("quotas of %s after REVOKE DBA: %w", o.User, err)
		}
		var errs []error
		for _, ts := range used {
			errs = append(errs, conn.GrantQuota(ctx, o.User, ts))
		}
		errs = append(errs, conn.GrantBasic(ctx, o.User))
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("quotas of %s after REVOKE DBA: %w", o.User, err)
		}
	}
	return nil
}

// settle records the attempt of o: removed when it succeeded, else counted with its error
// and next retry time; the run's object carries a Recovered condition saying what is owed.
func (a *Agent) settle(o state.Obligation, err error) {
	now := a.opt.Now()
	kind, name, _ := cut(o.Object)
	if err != nil {
		a.log.Error("recovery obligation not met; retrying later", "server", o.Server, "obligation", o.Kind, "run", o.Run, "err", err)
	} else {
		a.log.Info("recovery obligation met", "server", o.Server, "obligation", o.Kind, "run", o.Run)
	}
	a.update(func(st *state.Status) {
		var left []string
		kept := st.Obligations[:0]
		for _, p := range st.Obligations {
			if p.Run == o.Run && p.Kind == o.Kind {
				if err == nil {
					continue
				}
				p.Attempts++
				p.LastError = err.Error()
				p.RetryAt = now.Add(obligationBackoff.Delay(p.Attempts))
			}
			if p.Object == o.Object {
				left = append(left, fmt.Sprintf("%s on %s (run %s, %d attempt(s), next %s): %s", p.Kind, p.Server, p.Run, p.Attempts, p.RetryAt.UTC().Format(time.RFC3339), p.LastError))
			}
			kept = append(kept, p)
		}
		st.Obligations = kept
		var obj *state.Object
		switch kind {
		case "restore":
			obj = st.Object(manifests.KindRestore, name)
		case "policy":
			obj = st.Object(manifests.KindBackupPolicy, name)
		default:
			return
		}
		if len(left) > 0 {
			obj.SetCondition("Recovered", "False", "ObligationPending", "recovery still owes: "+strings.Join(left, "; "))
		} else {
			obj.SetCondition("Recovered", "True", "ObligationsMet", "everything a crashed run left owed was done")
		}
	})
}

// abandon records a run the agent died in through record: a policy's run is
// retried after backoff, a restore is held (never re-run by itself).
func (a *Agent) abandon(j *state.Journal, r state.Run, reason string) error {
	kind, name, _ := cut(r.Object)
	f := finished{name: name, server: r.Server, journal: j, started: r.Started, err: errors.New(reason),
		step: r.LastStarted(), abandoned: true}
	switch kind {
	case "policy":
		f.op, f.noMetric = "backup", r.Kind != "backup"
	case "restore":
		f.op, f.hash = "restore", r.SpecHash
		a.mu.Lock()
		desired := a.desired
		a.mu.Unlock()
		if rs := desired.Restore(name); rs != nil {
			f.rollback = a.rollbackHint(desired, rs, r.Started)
		}
	default:
		return j.Abandon(reason)
	}
	return a.record(f)
}
