package reconciler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// backup runs the backup runbook for pol and records the outcome. kind is scheduled,
// manual or safety (restoreName then names the Restore it protects).
func (a *Agent) backup(ctx context.Context, desired *manifests.Set, revision string, pol *manifests.BackupPolicy, kind, restoreName string) (*backup.Result, error) {
	srv := desired.Server(pol.Spec.Server)
	if srv == nil {
		return nil, fmt.Errorf("policy %s: server %s not in the revision in force", pol.Metadata.Name, pol.Spec.Server)
	}
	started := freeSetTime(pol.Spec.Destination, srv.Metadata.Name, a.opt.Now().UTC().Truncate(time.Second))
	object := "policy/" + pol.Metadata.Name
	log := a.log.With("server", srv.Metadata.Name, "policy", pol.Metadata.Name, "kind", kind)
	j, err := a.opt.Store.BeginRun("backup", object, srv.Metadata.Name, "")
	if err != nil {
		return nil, err
	}
	log = log.With("run", j.ID())
	partial := catalog.PartialDir(pol.Spec.Destination, srv.Metadata.Name, catalog.SetID(started))
	if err := errors.Join(j.SetRecovery(string(runbook.StartIIS), srv.Spec.IIS.Start), j.SetRecovery(string(runbook.RemovePartial), []string{pol.Spec.Destination, partial})); err != nil {
		j.Finish(err, "journal")
		return nil, err
	}
	runLog, closeLog := a.runLog(j.ID())
	defer closeLog()
	a.setRunning(object, true)
	defer a.setRunning(object, false)
	prevAttempt := a.begin("backup", pol.Metadata.Name, srv.Metadata.Name, j.ID(), started, "")
	if kind == catalog.KindManual {
		// Persisted, so that a manual run the agent dies in is retried after a restart
		// (the request itself lived in memory only).
		a.update(func(st *state.Status) { st.Policy(pol.Metadata.Name).Requested = true })
	}
	rb := &runbook.Runbook{Operation: "backup", Log: log, Journal: j, Observe: a.observer("backup"), Details: runLog}
	res, err := a.runBackup(ctx, desired, revision, srv, pol, kind, restoreName, started, rb, runLog)
	err = a.withRunLog(err, j.ID())
	f := finished{op: "backup", name: pol.Metadata.Name, server: srv.Metadata.Name, journal: j, started: started, err: err,
		step: rb.FailedStep(), hash: holdHash(srv, pol), prevAttempt: prevAttempt, requested: kind == catalog.KindManual}
	if res != nil {
		f.set, f.published = res.Meta, f.step == "replicate"
	}
	a.record(f)
	if res != nil {
		// The published set, and the copies that made it, join the catalog in place.
		a.putSets(pol.Spec.Destination, false, res.Dir)
		for _, c := range pol.Spec.Copies {
			a.putSets(c, true, catalog.SetDir(c, srv.Metadata.Name, res.Meta.ID))
		}
		for _, c := range pol.Spec.Copies {
			if rerr, tried := res.Replicas[c]; tried {
				a.recordReplica(srv.Metadata.Name, pol.Metadata.Name, c, rerr)
			}
		}
	}
	if err == nil && kind != catalog.KindSafety {
		// Prune only after a successful backup (or an explicit reconcile).
		if rerr := a.retention(ctx, pol); rerr != nil {
			log.Error("retention failed", "err", rerr)
		}
	}
	return res, err
}

func (a *Agent) runBackup(ctx context.Context, desired *manifests.Set, revision string, srv *manifests.Server, pol *manifests.BackupPolicy, kind, restoreName string, started time.Time, rb *runbook.Runbook, runLog io.Writer) (*backup.Result, error) {
	h, err := a.opt.Hosts.For(srv, runLog)
	if err != nil {
		return nil, err
	}
	conn, err := h.Oracle(ctx)
	if err != nil {
		return nil, fmt.Errorf("server %s: oracle: %w", srv.Metadata.Name, err)
	}
	defer conn.Close()
	job := &backup.Job{
		Server: srv, Policy: pol, Agent: a.opt.Agent, Revision: revision, Kind: kind, Restore: restoreName, Version: a.opt.Version,
		Started: started, Now: a.opt.Now,
		Preflight: backup.Checks(srv, pol, h.BackupTools, a.lastSizes(desired, srv.Metadata.Name), host.FreeBytes, conn),
		IIS:       h.IIS, Files: h.Files, Oracle: conn, Flashback: conn, Verify: a.verifier,
		Timeouts: backup.Timeouts{ServiceStop: h.ServiceStop, Avbackup: h.Avbackup, Dump: h.Dump, Verify: h.Dump, Copy: h.Dump, Oracle: h.Timeouts.Oracle},
		Runbook:  rb, SetKeys: a.opt.SetKeys,
	}
	if kind != catalog.KindSafety {
		// IIS is stopped only inside the policy's window, also for a run asked for with
		// `vaultkeeper reconcile` (it waits for the window and says so). A Restore's safety
		// backup runs at once: the restore that follows stops IIS anyway.
		if err := job.UseWindow(); err != nil {
			return nil, err
		}
	} else {
		// The restore that asked for it holds IIS stopped: its safety set is taken inside
		// the restore's own outage (one outage per restore).
		job.IISHeld = true
	}
	if p := a.opt.Store.Snapshot().Policies[pol.Metadata.Name]; p != nil {
		job.Fallback = p.DowntimeFallback
	}
	res, err := backup.Run(ctx, job)
	a.noteDowntime(srv, pol, job, err)
	return res, err
}

// noteDowntime records the run's IIS downtime and, for spec.downtime: minimal, whether the
// next attempt must fall back to the vendor order: an export that could not read as of
// its SCN (ORA-01555, ORA-08181) sets the fallback, a success clears it.
func (a *Agent) noteDowntime(srv *manifests.Server, pol *manifests.BackupPolicy, job *backup.Job, err error) {
	if job.Downtime > 0 {
		a.Metrics.BackupDowntime(srv.Metadata.Name, pol.Metadata.Name, job.Downtime)
	}
	if pol.Spec.DowntimeMode() != manifests.DowntimeMinimal || job.IISHeld {
		return
	}
	a.update(func(st *state.Status) {
		p := st.Policy(pol.Metadata.Name)
		switch {
		case errors.Is(err, backup.ErrFlashback):
			p.DowntimeFallback = "the last minimal-downtime export could not read as of its SCN (" + err.Error() + "); the next attempt runs in the vendor order"
		case err == nil:
			p.DowntimeFallback = ""
		}
	})
}

// lastSize is the size of the newest set of pol.
func (a *Agent) lastSize(pol *manifests.BackupPolicy) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	sets := a.cat.SetsIn(pol.Spec.Destination, pol.Spec.Server, pol.Metadata.Name)
	if len(sets) == 0 {
		return 0
	}
	var n int64
	for _, f := range sets[len(sets)-1].Meta.Files {
		n += f.Size
	}
	return n
}

// lastSizes are the sizes of the last set of every policy of server: the preflight asks
// for room for the largest.
func (a *Agent) lastSizes(desired *manifests.Set, server string) []int64 {
	var out []int64
	for _, p := range desired.PoliciesFor(server) {
		out = append(out, a.lastSize(p))
	}
	return out
}

// holdHash identifies what a stalled backup of pol waits for: its spec, its server's spec
// and the files the preflight read (backup.HoldKey). A change to any of them lets the run
// be tried again.
func holdHash(srv *manifests.Server, pol *manifests.BackupPolicy) string {
	if srv == nil {
		return specHash(pol.Spec)
	}
	return specHash(struct {
		Policy manifests.BackupPolicySpec
		Server manifests.ServerSpec
		Files  string
	}{pol.Spec, srv.Spec, backup.HoldKey(srv, pol)})
}

func (a *Agent) setRunning(object string, on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if on {
		a.running[object] = true
	} else {
		delete(a.running, object)
	}
}

func (a *Agent) observer(operation string) func(string, time.Duration, error) {
	return func(step string, d time.Duration, _ error) { a.Metrics.StepFinished(operation, step, d) }
}

// keepRunLogs bounds the tool-output logs kept under <state>/logs (an hourly policy writes
// 8,760 a year); the oldest go first. Run ids start with their UTC start time, so names sort
// by age.
const keepRunLogs = 500

// runLogPath is the run's tool-output log under <state>/logs.
func (a *Agent) runLogPath(id string) string {
	return filepath.Join(a.opt.Store.Dir(), "logs", id+".log")
}

// withRunLog makes a run's failure name its log file, which survives the run (the tool's
// own log inside the set's .partial folder does not): err is wrapped, so that its kind
// (stalled, transient) is kept. A run that waits, or failed before it wrote a log, is
// left as it is.
func (a *Agent) withRunLog(err error, id string) error {
	if err == nil || outcome.Kind(err) == "waiting" {
		return err
	}
	p := a.runLogPath(id)
	if _, serr := os.Stat(p); serr != nil {
		return err
	}
	return &runLogError{err: err, log: p}
}

// runLogError is a run's failure with the path of its log file.
type runLogError struct {
	err error
	log string
}

func (e *runLogError) Error() string { return e.err.Error() + " (run log " + e.log + ")" }
func (e *runLogError) Unwrap() error { return e.err }

// runLog opens the run's tool-output log under <state>/logs, removing the oldest logs
// beyond keepRunLogs.
func (a *Agent) runLog(id string) (io.Writer, func()) {
	dir := filepath.Join(a.opt.Store.Dir(), "logs")
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > keepRunLogs {
		for _, e := range ents[:len(ents)-keepRunLogs] { // ReadDir sorts by name
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		a.log.Warn("run log", "err", err)
		return io.Discard, func() {}
	}
	f, err := os.OpenFile(a.runLogPath(id), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		a.log.Warn("run log", "err", err)
		return io.Discard, func() {}
	}
	return f, func() { f.Close() }
}

// freeSetTime returns t, or the next second with no set (or .partial) of that id: set ids
// have a one-second resolution and a safety backup may follow a scheduled one at once.
func freeSetTime(destination, server string, t time.Time) time.Time {
	for i := 0; i < 3600; i++ {
		dir := catalog.SetDir(destination, server, catalog.SetID(t))
		_, err1 := os.Stat(dir)
		_, err2 := os.Stat(dir + catalog.PartialSuffix)
		if os.IsNotExist(err1) && os.IsNotExist(err2) {
			return t
		}
		t = t.Add(time.Second)
	}
	return t
}
