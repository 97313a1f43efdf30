package reconciler

import (
	"errors"
	"fmt"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// notifyOutcome turns a recorded outcome into the notifiers' event: a failed backup, a
// restore's result, a check that began
// failing. A backup that waits for its window is no event. It never blocks.
func (a *Agent) notifyOutcome(f finished) {
	var w *outcome.WaitingError
	if errors.As(f.err, &w) {
		return
	}
	ev := notify.Event{Server: f.server, Time: a.opt.Now()}
	switch f.op {
	case "backup":
		if f.err == nil || f.noMetric {
			return
		}
		// A replica that fails is no failed backup: recordReplica raises replicaFailed.
		ev.Event, ev.Policy, ev.Message = manifests.EventBackupFailed, f.name, failureMessage(f)
	case "restore":
		ev.Restore = f.name
		if f.err == nil {
			ev.Event, ev.Message = manifests.EventRestoreSucceeded, "set "+f.set.ID+" restored and verified"
		} else {
			ev.Event, ev.Message = manifests.EventRestoreFailed, failureMessage(f)
		}
	case "checks":
		// A check that keeps failing is sent once, when it begins to fail.
		for _, r := range f.checks {
			key := manifests.EventCheckFailed + "/" + r.Server + "/" + r.Check
			if r.OK {
				a.notifier.Clear(key)
				continue
			}
			a.notifier.Raise(key, notify.Event{Event: manifests.EventCheckFailed, Server: r.Server, Check: r.Check, Message: r.Message, Time: r.Time})
		}
		return
	default:
		return
	}
	a.notifier.Publish(ev)
}

// failureMessage is what a notification says of a failed run: its failed step and error.
func failureMessage(f finished) string {
	if f.step == "" || f.abandoned {
		return f.err.Error()
	}
	return stepError(f.step, f.err)
}

// notifyStale raises backupStale for each of this agent's policies whose newest complete set
// is older than its maxAge (or that has none although the agent has run for longer than
// maxAge), once per stale episode: a fresh set ends the episode.
func (a *Agent) notifyStale(now time.Time) {
	a.mu.Lock()
	desired, model := a.desired, a.model
	a.mu.Unlock()
	for _, p := range desired.Policies {
		maxAge, err := manifests.ParseDuration(p.Spec.MaxAge)
		if err != nil || maxAge <= 0 {
			continue
		}
		name := p.Metadata.Name
		key := manifests.EventBackupStale + "/" + name
		newest := model.Policy(name).Newest
		since := newest
		if since.IsZero() {
			since = a.started
		}
		if since.IsZero() || now.Sub(since) <= maxAge {
			a.notifier.Clear(key)
			continue
		}
		msg := fmt.Sprintf("no complete backup set although the agent has run for %s, longer than maxAge %s", roundAge(now.Sub(since)), p.Spec.MaxAge)
		if !newest.IsZero() {
			msg = fmt.Sprintf("the newest complete set %s is %s old, older than maxAge %s", catalog.SetID(newest), roundAge(now.Sub(newest)), p.Spec.MaxAge)
		}
		a.notifier.Raise(key, notify.Event{Event: manifests.EventBackupStale, Server: p.Spec.Server, Policy: name, Message: msg, Time: now})
	}
}

func roundAge(d time.Duration) time.Duration {
	if d >= time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}
