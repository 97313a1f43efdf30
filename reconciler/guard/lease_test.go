package guard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/lease"
)

// TestHoldRefusesAndLoses: a second state dir is refused naming the holder; a lease taken
// away from its holder ends the holder's run context with the loss as its cause.
func TestHoldRefusesAndLoses(t *testing.T) {
	install := t.TempDir()
	first := &Leases{StateDir: t.TempDir(), Agent: "staging", Interval: 50 * time.Millisecond}
	second := &Leases{StateDir: t.TempDir(), Agent: "staging"}
	ctx, held, err := first.Hold(context.Background(), install, "restore restore/refresh")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = second.Hold(context.Background(), install, "backup policy/x")
	if !IsHeld(err) || !strings.Contains(err.Error(), `agent "staging"`) || !strings.Contains(err.Error(), "restore restore/refresh") {
		t.Fatalf("second state dir: %v, want a refusal naming the holder", err)
	}
	if at := RetryAt(err, time.Now()); time.Until(at) < time.Minute {
		t.Errorf("RetryAt = %s, want the holder's expiry (about 2 min ahead)", at)
	}
	if ctx.Err() != nil {
		t.Fatal("the holder's context ended while it held the lease")
	}
	// Someone replaces the lease (an operator, or another agent after an expiry).
	// Its takeover can lose to a heartbeat written in the same instant (lease's doc): retry.
	for i := 0; ; i++ {
		_, err := lease.Acquire(install, lease.Owner{Agent: "intruder", StateID: "x"}, "other", time.Hour, time.Now().Add(time.Hour))
		if err == nil {
			break
		}
		if !IsHeld(err) || i == 20 {
			t.Fatal(err)
		}
	}
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the holder's context did not end after the lease was lost")
	}
	if cause := context.Cause(ctx); !errors.Is(cause, lease.ErrHeld) || !strings.Contains(cause.Error(), "lease lost") {
		t.Errorf("cause = %v, want the lost lease", cause)
	}
	if err := held.Release(); err == nil {
		t.Error("releasing a lease held by another succeeded")
	}
}
