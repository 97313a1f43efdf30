package outcome

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestKindAndRetry(t *testing.T) {
	now := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	until := now.Add(3 * time.Hour)
	base := errors.New("boom")
	cases := []struct {
		name      string
		err       error
		failures  int
		kind      string
		reason    string
		retryAt   time.Time
		unwrapsTo error
	}{
		{"nil", nil, 0, "", "", time.Time{}, nil},
		{"stalled", Stalled("RestoreNotAllowed", base), 1, "stalled", "RestoreNotAllowed", time.Time{}, base},
		{"stalled wrapped", fmt.Errorf("step x: %w", Stalled("Bad", base)), 1, "stalled", "Bad", time.Time{}, base},
		{"waiting", Waiting("OutsideWindow", until, base), 1, "waiting", "OutsideWindow", until, base},
		{"transient first", base, 1, "transient", "Failed", now.Add(30 * time.Second), base},
		{"transient third", base, 3, "transient", "Failed", now.Add(2 * time.Minute), base},
		{"transient capped", base, 40, "transient", "Failed", now.Add(30 * time.Minute), base},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Kind(c.err); got != c.kind {
				t.Errorf("Kind = %q, want %q", got, c.kind)
			}
			if got := Reason(c.err); got != c.reason {
				t.Errorf("Reason = %q, want %q", got, c.reason)
			}
			if got := RetryAt(c.err, c.failures, now, DefaultBackoff); !got.Equal(c.retryAt) {
				t.Errorf("RetryAt = %v, want %v", got, c.retryAt)
			}
			if c.unwrapsTo != nil && !errors.Is(c.err, c.unwrapsTo) {
				t.Errorf("error does not unwrap to its cause")
			}
		})
	}
}
