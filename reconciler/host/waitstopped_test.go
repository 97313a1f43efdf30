package host

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestWaitStoppedTimeRunsOutDuringACheck: IIS answered "running", then the step's time ran
// out while the next check was under way. The error must say IIS still runs (the decisive
// fact), not only that the check was cut short.
func TestWaitStoppedTimeRunsOutDuringACheck(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	state := func(ctx context.Context) (bool, string, error) {
		calls++
		if calls == 1 {
			return true, "site Default Web Site is Started", nil
		}
		cancel() // the step's deadline passes during this check
		return false, "", errors.New("appcmd list site: " + ctx.Err().Error())
	}
	err := waitStopped(ctx, state, time.Hour)
	if err == nil || !strings.Contains(err.Error(), "IIS still runs") || !strings.Contains(err.Error(), "is Started") || !errors.Is(err, context.Canceled) {
		t.Fatalf("waitStopped = %v, want IIS still runs (site … is Started) wrapping the context's error", err)
	}

	// A check that fails before any answer is that check's error.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	err = waitStopped(ctx2, func(context.Context) (bool, string, error) { return false, "", errors.New("appcmd: not found") }, time.Hour)
	if err == nil || err.Error() != "appcmd: not found" {
		t.Fatalf("waitStopped = %v, want the check's own error", err)
	}
}
