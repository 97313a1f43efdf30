package runbook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
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
			r.setFailed(s.Name)
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
		if r.Journal != nil {
			if jerr := r.Journal.StepFinished(s.Name, err); jerr != nil {
				err = errors.Join(err, fmt.Errorf("%w: %w", ErrJournal, jerr))
			}
		}
		if r.Observe != nil {
			r.Observe(s.Name, d, err)
		}
		if err != nil {
			log.Error("step failed", "duration", d.Round(time.Millisecond), "err", err)
		} else {
			log.Info("step done", "duration", d.Round(time.Millisecond))
		}
	}()
	return s.Do(ctx)
}

func (r *Runbook) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log.With("operation", r.Operation)
}
