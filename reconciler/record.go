package reconciler

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// finished is one action that ended (or a run that a restarted agent found it had died
// in): everything record needs to say what it came to.
type finished struct {
	op      string // "backup", "restore", "verify", "retention" or "checks"
	name    string // the policy or Restore
	server  string
	journal *state.Journal
	started time.Time
	err     error
	step    string        // the step that failed ("" on success)
	set     *catalog.Meta // the set made (backup) or restored (restore); may be nil on failure
	// hash is the spec hash a stalled or half-done failure is held against.
	hash string
	// targetHash is a restore's Restore.TargetHash, recorded as its applied hash (issue 14).
	targetHash string
	// rollback, for a restore that failed after it began overwriting, names the safety set
	// taken before and the Restore that puts it back (issue 14 point 8); "" when none.
	rollback string
	// abandoned: the agent died in the run; err says where.
	abandoned bool
	// A backup that waited for its window: the attempt time goes back to prevAttempt, and
	// a requested run is kept for when the window opens.
	prevAttempt time.Time
	requested   bool
	// published: the set was published although a later step (replicate) failed.
	published bool
	// noMetric: a policy's retention or verify run the agent died in (no backup metric).
	noMetric bool
	// verified counts the sets a verify run checked.
	verified int
	// checks are the results of integrity checks.
	checks []checks.Result
}

// verdict is what a finished run comes to, the way Flux's ComputeReconcileResult decides
// a reconcile's result: one place turns a run's error into its result word, its Ready and
// Stalled conditions, its retry time and whether it holds the spec.
type verdict struct {
	result        string // success, failure, "" for a run that waited
	ready         string // the Ready status: True, False, Unknown
	reason, msg   string
	stalled       bool // Stalled=True: a person must act
	stalledReason string
	stalledMsg    string
	retryAt       time.Time
	waitUntil     time.Time
}

func (f *finished) verdict(now time.Time, failures int) verdict {
	var w *outcome.WaitingError
	switch {
	case f.err == nil && f.op == "backup":
		return verdict{result: "success", ready: "True", reason: "Succeeded", msg: "set " + f.set.ID + " published and verified"}
	case f.err == nil:
		return verdict{result: "success", ready: "True", reason: "Restored", msg: "set " + f.set.ID + " restored and verified"}
	case f.op == "backup" && errors.As(f.err, &w):
		return verdict{ready: "Unknown", reason: w.Reason, msg: w.Error(), waitUntil: w.Until}
	}
	v := verdict{result: "failure", ready: "False", reason: outcome.Reason(f.err), msg: stepError(f.step, f.err)}
	switch {
	case f.abandoned:
		v.reason, v.msg = "AgentStopped", f.err.Error()
		if f.op == "restore" {
			v.stalled, v.stalledReason = true, "RestoreInterrupted"
			v.stalledMsg = v.msg + "; it is not re-run by itself: change the spec or run `vaultkeeper reconcile restore/" + f.name + "`" + f.rollback
		} else {
			// A run the agent died in is retried like any transient failure, after backoff.
			v.retryAt = outcome.RetryAt(f.err, failures, now, outcome.DefaultBackoff)
		}
	case f.op == "restore" && slices.Contains(restore.Destructive, f.step):
		// Half done: never re-run by itself for this spec.
		v.stalled, v.stalledReason = true, "RestoreFailed"
		v.stalledMsg = "the restore failed at " + f.step + " after it began overwriting " + f.server +
			"; fix the cause, then change the spec or run `vaultkeeper reconcile restore/" + f.name + "`" + f.rollback
	case outcome.Kind(f.err) == "stalled":
		v.stalled, v.stalledReason, v.stalledMsg = true, outcome.Reason(f.err), v.msg
	default:
		v.retryAt = outcome.RetryAt(f.err, failures, now, outcome.DefaultBackoff)
	}
	return v
}

// begin records that a run of op started: the Reconciling condition and the attempt.
func (a *Agent) begin(op, name, server, runID string, started time.Time, set string) (prevAttempt time.Time) {
	a.update(func(st *state.Status) {
		if op == "backup" {
			p := st.Policy(name)
			prevAttempt = p.LastAttempt
			p.Server, p.LastAttempt = server, started
			st.Object(manifests.KindBackupPolicy, name).SetCondition(state.Reconciling, "True", "BackupRunning", "backup "+runID+" running")
			return
		}
		rt := st.Restore(name)
		rt.Server, rt.LastAttempt = server, started
		st.Object(manifests.KindRestore, name).SetCondition(state.Reconciling, "True", "RestoreRunning", "restoring set "+set)
	})
	return prevAttempt
}

// record is the one place a finished action is recorded: its journal closed into the
// history, its metrics, its conditions, its result, failure count and retry time.
func (a *Agent) record(f finished) error {
	now := a.opt.Now()
	defer a.notifyOutcome(f) // once recorded: a message never runs ahead of the status
	var jerr error
	if f.journal != nil {
		if f.set != nil {
			f.journal.SetSet(f.set.ID)
			f.journal.SetSize(f.set.Sizes().Total)
		}
		var w *outcome.WaitingError
		if f.abandoned {
			jerr = f.journal.Abandon(f.err.Error())
		} else if f.op == "backup" && errors.As(f.err, &w) {
			jerr = f.journal.Wait(f.err.Error()) // waiting is neither a success nor a failure
		} else {
			jerr = f.journal.Finish(f.err, f.step)
		}
		if jerr != nil {
			a.log.Error("journal not closed", "run", f.journal.ID(), "err", jerr)
		}
	}
	switch f.op {
	case "retention":
		return jerr // journaled only: each removal is in the journal and the log
	case "verify":
		a.update(func(st *state.Status) {
			st.Policy(f.name).LastVerified = now
			o := st.Object(manifests.KindBackupPolicy, f.name)
			if f.err != nil {
				o.SetCondition("Verified", "False", "VerificationFailed", f.err.Error())
			} else {
				o.SetCondition("Verified", "True", "Verified", fmt.Sprintf("%d set(s) verified", f.verified))
			}
		})
		return jerr
	case "checks":
		a.update(func(st *state.Status) { applyChecks(st, f.checks) })
		return jerr
	}
	kind := manifests.KindBackupPolicy
	if f.op == "restore" {
		kind = manifests.KindRestore
	}
	var v verdict
	a.update(func(st *state.Status) {
		o := st.Object(kind, f.name)
		failures := 0
		if f.op == "backup" {
			failures = st.Policy(f.name).Failures + 1
		} else {
			failures = st.Restore(f.name).Failures + 1
		}
		v = f.verdict(now, failures)
		if !f.abandoned {
			if v.result != "" {
				o.Server = f.server
			}
			o.SetCondition(state.Reconciling, "False", "Idle", "")
		}
		o.SetCondition(state.Ready, v.ready, v.reason, v.msg)
		if v.result == "success" {
			o.SetCondition(state.Stalled, "False", "", "")
		} else if v.stalled {
			o.SetCondition(state.Stalled, "True", v.stalledReason, v.stalledMsg)
		}
		if f.op == "backup" {
			applyPolicy(st.Policy(f.name), f, v, now)
		} else {
			applyRestore(st.Restore(f.name), o, f, v, now)
		}
	})
	a.summarize(f, v, now)
	switch {
	case v.result == "" || f.noMetric:
	case f.op == "backup":
		a.Metrics.BackupFinished(f.server, f.name, v.result, now.Sub(f.started))
	default:
		a.Metrics.RestoreFinished(f.server, f.name, v.result)
	}
	return jerr
}

func applyPolicy(p *state.Policy, f finished, v verdict, now time.Time) {
	if v.result == "" { // waited for the window: neither a success nor a failure
		p.LastAttempt, p.WaitUntil = f.prevAttempt, v.waitUntil
		p.Requested = p.Requested || f.requested
		return
	}
	p.LastResult = v.result
	if f.abandoned {
		p.Failures++
		p.LastError, p.RetryAt = v.msg, v.retryAt
		return
	}
	p.LastDurationSeconds = now.Sub(f.started).Seconds()
	if f.set != nil && (f.err == nil || f.published) {
		p.LastSuccess, p.LastSet, p.LastSizeBytes = f.started, f.set.ID, f.set.Sizes().Total
	}
	p.WaitUntil = time.Time{}
	if v.result == "success" {
		p.Failures, p.RetryAt, p.Stalled, p.LastError, p.Requested = 0, time.Time{}, "", "", false
		return
	}
	p.Failures++
	p.LastError, p.RetryAt = v.msg, v.retryAt
	if v.stalled {
		// A person must act; their reconcile asks again.
		p.Stalled, p.StalledHash, p.Requested = v.msg, f.hash, false
	}
	if f.published {
		// The set was published (a later step such as a replica failed): the request is
		// served, and a new backup would stop IIS again for nothing.
		p.Requested = false
	}
	// Otherwise a requested run that failed stays requested: it is retried after RetryAt,
	// as a scheduled one is (issue 16), instead of being forgotten once its due time passed.
}

func applyRestore(rt *state.Restore, o *state.Object, f finished, v verdict, now time.Time) {
	rt.LastResult = v.result
	if v.result == "success" {
		rt.AppliedHash, rt.RestoredSet, rt.RestoredAt, rt.LastSuccess = f.hash, f.set.ID, f.set.Started, now
		if f.targetHash != "" {
			rt.AppliedHash = f.targetHash
		}
		rt.FailedHash, rt.FailedStep, rt.Stalled, rt.LastError, rt.Failures, rt.RetryAt = "", "", "", "", 0, time.Time{}
		o.ObservedHash = f.hash
		return
	}
	rt.Failures++
	rt.LastError, rt.FailedStep = v.msg, f.step
	switch {
	case f.abandoned || v.stalledReason == "RestoreFailed":
		rt.FailedHash = f.hash
	case v.stalled:
		rt.Stalled, rt.FailedHash = v.msg, f.hash
	default:
		rt.RetryAt = v.retryAt
	}
}

// recordReplica records one attempt to bring the copy dst of policy name up to date: a
// success clears its backoff, a failure counts and sets its own capped exponential backoff
// (outcome.DefaultBackoff). The primary backup and the other replicas are not affected.
func (a *Agent) recordReplica(server, name, dst string, err error) {
	now := a.opt.Now()
	var r state.Replica
	a.update(func(st *state.Status) {
		rp := st.Policy(name).Replica(dst)
		rp.LastAttempt = now
		if err == nil {
			rp.LastSuccess, rp.LastError, rp.Failures, rp.RetryAt = now, "", 0, time.Time{}
		} else {
			rp.Failures++
			rp.LastError, rp.RetryAt = err.Error(), now.Add(outcome.DefaultBackoff.Delay(rp.Failures))
		}
		r = *rp
	})
	key := manifests.EventReplicaFailed + "/" + name + "/" + dst
	if err == nil {
		a.notifier.Clear(key) // the episode ends: a later failure is news again
		return
	}
	a.log.Warn("replica failed", "server", server, "policy", name, "destination", dst, "failures", r.Failures,
		"retry_at", r.RetryAt.Format(time.RFC3339), "err", err)
	// Once per failing episode, not at every retry.
	a.notifier.Raise(key, notify.Event{Event: manifests.EventReplicaFailed, Server: server, Policy: name, Time: now,
		Message: fmt.Sprintf("copying the sets to replica %s failed (next attempt %s; the primary destination still gets every backup): %v",
			dst, r.RetryAt.Format(time.RFC3339), err)})
}

// stepError is the status message of a run that failed at step failed: the runbook's
// errors already begin with "step NAME:", and saying it twice helps no one.
func stepError(failed string, err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "step "+failed+":") {
		return msg
	}
	return fmt.Sprintf("step %s: %s", failed, msg)
}

// applyChecks stores check results and sets each server's Ready condition from all of its
// checks' latest results.
func applyChecks(st *state.Status, res []checks.Result) {
	for _, r := range res {
		st.Checks[r.Server+"/"+r.Check] = &state.Check{Server: r.Server, Check: r.Check, OK: r.OK, Message: r.Message, Time: r.Time, Duration: r.Duration}
		o := st.Object(manifests.KindServer, r.Server)
		o.Server = r.Server
	}
	seen := map[string]bool{}
	for _, r := range res {
		if seen[r.Server] {
			continue
		}
		seen[r.Server] = true
		var failed []string
		for _, c := range st.Checks {
			if c.Server == r.Server && !c.OK {
				failed = append(failed, c.Check+": "+c.Message)
			}
		}
		sort.Strings(failed)
		o := st.Object(manifests.KindServer, r.Server)
		if len(failed) == 0 {
			o.SetCondition(state.Ready, "True", "ChecksPassed", "every integrity check passed")
		} else {
			o.SetCondition(state.Ready, "False", "CheckFailed", strings.Join(failed, "; "))
		}
	}
}

// summarize logs the one line that sums up a finished backup or restore run: the agent's
// log has a line per step and this one; the tools' output is in the run's log file.
func (a *Agent) summarize(f finished, v verdict, now time.Time) {
	object := "policy"
	if f.op == "restore" {
		object = "restore"
	}
	started := f.started
	if f.journal != nil {
		started = f.journal.Run().Started // f.started is a set id's, truncated to the second
	}
	args := []any{"server", f.server, object, f.name, "duration", now.Sub(started).Round(time.Millisecond)}
	if f.journal != nil {
		args = append(args, "run", f.journal.ID())
	}
	switch {
	case v.result == "":
		a.log.Info(f.op+" waiting", append(args, "reason", v.reason, "until", v.waitUntil, "msg", v.msg)...)
	case v.result == "success":
		a.log.Info(f.op+" succeeded", append(args, "set", f.set.ID)...)
	default:
		if !v.retryAt.IsZero() {
			args = append(args, "retry_at", v.retryAt)
		}
		if v.stalled {
			args = append(args, "stalled", v.stalledReason)
		}
		a.log.Error(f.op+" failed", append(args, "step", f.step, "err", v.msg)...)
	}
}
