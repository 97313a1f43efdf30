package runbook

import (
	"context"
	"time"
)

// IIS stops and starts the web front end (host.IIS).
type IIS interface {
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
}

// Service is the stop/start pair both runbooks run around their work, written once:
// Stop defers the start before it stops (so an IIS that was stopped, or half stopped, is
// started again whatever happens next), Start starts it in order and cancels the
// deferred start. A deferred start after Start succeeded does nothing.
type Service struct {
	IIS IIS
	// StartStep names the start step (start-iis) in the journal and the metrics.
	StartStep string
	Timeout   time.Duration

	started bool
	// stoppedAt is when Stop began, startedAt when a start succeeded (the outage).
	stoppedAt, startedAt time.Time
}

// Downtime is how long IIS was down: from the start of Stop to the end of the start that
// succeeded; 0 when it was not stopped, or not started again.
func (s *Service) Downtime() time.Duration {
	if s.stoppedAt.IsZero() || s.startedAt.IsZero() {
		return 0
	}
	return s.startedAt.Sub(s.stoppedAt)
}

// Stop registers the deferred start with rb, then stops IIS.
func (s *Service) Stop(ctx context.Context, rb *Runbook) error {
	rb.Defer(Step{Name: s.StartStep, Timeout: s.Timeout, Do: s.start})
	s.stoppedAt = time.Now()
	return s.IIS.Stop(ctx)
}

// Start starts IIS and cancels the deferred start.
func (s *Service) Start(ctx context.Context, rb *Runbook) error {
	if err := s.start(ctx); err != nil {
		return err
	}
	rb.Undefer(s.StartStep)
	return nil
}

func (s *Service) start(ctx context.Context) error {
	if s.started {
		return nil
	}
	if err := s.IIS.Start(ctx); err != nil {
		return err
	}
	s.started, s.startedAt = true, time.Now()
	return nil
}
