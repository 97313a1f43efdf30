package runbook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// Step is one unit of a runbook.
type Step struct {
	// Name is stable and short (stop-iis, avbackup, export, …): it names the step in the
	// journal, the logs and the step_duration_seconds metric.
	Name string
	// Timeout bounds the step; 0 means only the runbook's context bounds it.
	Timeout time.Duration
	// Do performs the step.
	Do func(ctx context.Context) error
}

// Journal persists step transitions. StepStarted must be durable before the step runs.
type Journal interface {
	StepStarted(step string) error
	StepFinished(step string, err error) error
}

// Runbook executes steps. Create one per run.
type Runbook struct {
	// Operation names the runbook (backup, restore) for logs and metrics.
	Operation string
	Log       *slog.Logger
	Journal   Journal
	// Observe, when set, is told each step's duration and error (metrics).
	Observe func(step string, d time.Duration, err error)
	// DeferTimeout bounds each deferred step (default 10 min).
	DeferTimeout time.Duration
	// Details is optional: the run's log file, where the tools write their output; each
	// step's start and end are marked there too, so the file reads in order.
	Details io.Writer

	mu       sync.Mutex
	deferred []Step
	failed   string
}

// ErrJournal wraps a failure to persist the journal: the step did not run.
var ErrJournal = errors.New("journal write failed")

// Defer registers s to run when the runbook ends, whatever happens. Deferred steps run
// last-registered first. Register before doing the thing to undo (before stopping IIS,
// before granting DBA), so a half-done action is undone too.
func (r *Runbook) Defer(s Step) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deferred = append(r.deferred, s)
}

// Undefer removes the deferred step called name, for a runbook that did the deferred work
// itself in order (start IIS right after the export); it reports whether one was registered.
func (r *Runbook) Undefer(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.deferred) - 1; i >= 0; i-- {
		if r.deferred[i].Name == name {
			r.deferred = append(r.deferred[:i], r.deferred[i+1:]...)
			return true
		}
	}
	return false
}

// FailedStep names the step that failed, "" when none did.
func (r *Runbook) FailedStep() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Run executes steps in order, stopping at the first error, then the deferred steps. The
// returned error is the first step error, joined with any deferred step errors.
func (r *Runbook) Run(ctx context.Context, steps []Step) error {
	var err error
	for _, s := range steps {
		if err = ctx.Err(); err != nil {
			r.setFailed(s.Name)
			err = fmt.Errorf("before step %s: %w", s.Name, err)
			break
		}
		if err = r.runStep(ctx, s); err != nil {
			if !waiting(err) { // a step that waits did not fail
				r.setFailed(s.Name)
			}
			err = fmt.Errorf("step %s: %w", s.Name, err)
			break
		}
	}
	return errors.Join(err, r.runDeferred(ctx))
}

func (r *Runbook) setFailed(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == "" {
		r.failed = name
	}
}

func (r *Runbook) runDeferred(ctx context.Context) error {
	r.mu.Lock()
	list := r.deferred
	r.deferred = nil
	r.mu.Unlock()
	timeout := r.DeferTimeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	// Deferred steps must run even when the run was cancelled (shutdown, timeout).
	base := context.WithoutCancel(ctx)
	var errs []error
	for i := len(list) - 1; i >= 0; i-- {
		s := list[i]
		if s.Timeout == 0 {
			s.Timeout = timeout
		}
		if err := r.runStep(base, s); err != nil {
			r.setFailed(s.Name)
			errs = append(errs, fmt.Errorf("deferred step %s: %w", s.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Runbook) runStep(ctx context.Context, s Step) (err error) {
	log := r.logger().With("step", s.Name)
	if r.Journal != nil {
		if jerr := r.Journal.StepStarted(s.Name); jerr != nil {
			return fmt.Errorf("%w: %w", ErrJournal, jerr)
		}
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}
	log.Info("step started")
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
		if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s: %w", s.Timeout, err)
		}
		d := time.Since(start)
		var w *outcome.WaitingError
		isWaiting := errors.As(err, &w)
		if r.Journal != nil {
			var jerr error
			if wj, ok := r.Journal.(WaitJournal); ok && isWaiting {
				jerr = wj.StepWaited(s.Name, err.Error())
			} else {
				jerr = r.Journal.StepFinished(s.Name, err)
			}
			if jerr != nil {
				err = errors.Join(err, fmt.Errorf("%w: %w", ErrJournal, jerr))
				isWaiting = false
			}
		}
		if r.Observe != nil {
			r.Observe(s.Name, d, err)
		}
		dur := d.Round(time.Millisecond)
		switch {
		case isWaiting:
			// Waiting (for the window) is neither a success nor a failure.
			log.Info("step waiting", "duration", dur, "reason", w.Reason, "until", w.Until, "msg", err.Error())
			r.details("step %s waiting after %s: %v", s.Name, dur, err)
		case err != nil:
			log.Error("step failed", "duration", dur, "err", err)
			r.details("step %s failed after %s: %v", s.Name, dur, err)
		default:
			log.Info("step done", "duration", dur)
			r.details("step %s done in %s", s.Name, dur)
		}
	}()
	r.details("step %s started", s.Name)
	return s.Do(ctx)
}

func (r *Runbook) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log.With("operation", r.Operation)
}

// WaitJournal is a Journal that records a step that waits (state.Journal): a step whose
// error is an outcome.WaitingError is recorded with StepWaited instead of StepFinished.
type WaitJournal interface {
	StepWaited(step, note string) error
}

func waiting(err error) bool {
	var w *outcome.WaitingError
	return errors.As(err, &w)
}

// details writes one line to the run's log file, marked as vaultkeeper's own.
func (r *Runbook) details(format string, args ...any) {
	if r.Details == nil {
		return
	}
	fmt.Fprintf(r.Details, "vaultkeeper: "+format+"\n", args...)
}
