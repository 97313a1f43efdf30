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
}

// Stop registers the deferred start with rb, then stops IIS.
func (s *Service) Stop(ctx context.Context, rb *Runbook) error {
	rb.Defer(Step{Name: s.StartStep, Timeout: s.Timeout, Do: s.start})
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
	s.started = true
	return nil
}
