package reconciler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// recover finishes the runs an earlier agent died in: it starts IIS if the run had stopped
// it, revokes DBA if a restore had granted it, removes the run's own .partial folder, and
// marks the run failed at the step it died in. It never re-runs a destructive restore: the
// failure is recorded against the spec hash so only a new spec or an explicit reconcile
// does.
func (a *Agent) recover(ctx context.Context) error {
	runs, err := a.opt.Store.UnfinishedRuns()
	if err != nil {
		return err
	}
	var errs []error
	for _, j := range runs {
		r := j.Run()
		log := a.log.With("run", r.ID, "object", r.Object, "step", r.LastStarted())
		log.Warn("found a run the agent died in; recovering")
		var rerrs []error
		for _, o := range obligations(r.Kind) {
			if r.Reached(o.Step) {
				rerrs = append(rerrs, a.discharge(ctx, r, o.Recovery, log))
			}
		}
		reason := "the agent stopped during step " + r.LastStarted()
		if err := errors.Join(rerrs...); err != nil {
			reason += "; recovery: " + err.Error()
			errs = append(errs, err)
		}
		if err := a.abandon(j, r, reason); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
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

// discharge does what recovery owes r, with what its journal recorded before the step ran.
func (a *Agent) discharge(ctx context.Context, r state.Run, rec runbook.Recovery, log *slog.Logger) error {
	v := r.Recovery[string(rec)]
	switch rec {
	case runbook.StartIIS:
		if len(v) == 0 {
			return nil
		}
		iis := host.IIS{StartArgv: v, Timeout: 5 * time.Minute, Log: log}
		if err := iis.Start(ctx); err != nil {
			return fmt.Errorf("start IIS after crash: %w", err)
		}
	case runbook.RevokeDBA:
		if len(v) == 1 && !doneStep(r, "revoke-dba") {
			return a.revokeAfterCrash(ctx, r, v[0])
		}
	case runbook.RemovePartial:
		if len(v) == 2 && strings.HasSuffix(v[1], catalog.PartialSuffix) && filepath.Dir(filepath.Dir(v[1])) == filepath.Clean(v[0]) {
			return os.RemoveAll(v[1])
		}
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

func (a *Agent) revokeAfterCrash(ctx context.Context, r state.Run, user string) error {
	srv := a.desired.Server(r.Server)
	if srv == nil {
		return fmt.Errorf("revoke DBA from %s: server %s unknown (no revision in force)", user, r.Server)
	}
	h, err := a.opt.Hosts.For(srv, nil)
	if err != nil {
		return err
	}
	conn, err := h.Oracle(ctx)
	if err != nil {
		return fmt.Errorf("revoke DBA from %s: %w", user, err)
	}
	defer conn.Close()
	if err := conn.RevokeDBA(ctx, user); err != nil {
		return fmt.Errorf("revoke DBA from %s: %w", user, err)
	}
	return nil
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
	default:
		return j.Abandon(reason)
	}
	return a.record(f)
}
