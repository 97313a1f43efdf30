package guard

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/dirlock"
	"github.com/vaultkeeper/vaultkeeper/state/lease"
)

// Leases takes the server leases of one agent and state dir.
type Leases struct {
	// StateDir identifies the holder (its dirlock.InstanceID); Agent is the agent's name.
	StateDir, Agent string
	// TTL is how long a lease lives without a heartbeat (lease.DefaultTTL when zero);
	// Interval how often it is renewed (TTL/3 when zero).
	TTL, Interval time.Duration

	once  sync.Once
	id    string
	idErr error
}

func (ls *Leases) owner() (lease.Owner, error) {
	ls.once.Do(func() { ls.id, ls.idErr = dirlock.InstanceID(ls.StateDir) })
	return lease.Owner{Agent: ls.Agent, StateID: ls.id}, ls.idErr
}

// Held is a lease held while a runbook runs.
type Held struct {
	l    *lease.Lease
	stop context.CancelFunc
	done chan struct{}
	// TookOver describes the stale lease this one replaced ("" when there was none).
	TookOver string
}

// Hold takes the lease of the server installed in installDir for run and renews it until
// Release. The context it returns ends, with the loss as its cause, when a renewal finds
// the lease lost: the runbook stops before its next step (its deferred steps still run).
// A live lease of another agent is refused with an error naming it (IsHeld).
//
// Leases are wall-clock facts shared between processes: they are dated with time.Now,
// never with a test's clock.
func (ls *Leases) Hold(ctx context.Context, installDir, run string) (context.Context, *Held, error) {
	o, err := ls.owner()
	if err != nil {
		return ctx, nil, fmt.Errorf("lease for %s: %w", run, err)
	}
	l, err := lease.Acquire(installDir, o, run, ls.TTL, time.Now())
	if err != nil {
		return ctx, nil, err
	}
	hctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	rctx, cancel := context.WithCancelCause(ctx)
	h := &Held{l: l, stop: stop, done: make(chan struct{}), TookOver: l.TookOver}
	go func() {
		defer close(h.done)
		if err := l.Heartbeat(hctx, ls.Interval); err != nil {
			cancel(fmt.Errorf("lease lost while running %s: %w", run, err))
		}
	}()
	h.stop = func() { stop(); cancel(nil) }
	return rctx, h, nil
}

// Release stops the heartbeat and removes the lease if it is still this one.
func (h *Held) Release() error {
	if h == nil {
		return nil
	}
	h.stop()
	<-h.done
	return h.l.Release()
}

// IsHeld reports whether err is a refusal because another live agent holds the lease.
func IsHeld(err error) bool { return errors.Is(err, lease.ErrHeld) }

// RetryAt is when a refused lease is worth asking for again: when the holder's lease
// expires (it is renewed while the holder works), at least a few seconds from now.
func RetryAt(err error, now time.Time) time.Time {
	at := now.Add(30 * time.Second)
	var he *lease.HeldError
	if errors.As(err, &he) && he.Holder.Expires.After(now) {
		at = he.Holder.Expires
	}
	return at
}
