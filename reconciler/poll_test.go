package reconciler

import (
	"testing"
	"time"
)

func TestPollBacksOffAfterFailedFetches(t *testing.T) {
	t.Parallel() // the clock is each agent's own (Options.Now, Store.Now)
	a := New(Options{Agent: "a", Interval: time.Minute})
	cases := []struct {
		failures int
		min      time.Duration
	}{
		{0, time.Minute},
		{1, 5 * time.Second},
		{3, 20 * time.Second},
		{10, time.Minute}, // capped at the interval
	}
	for _, c := range cases {
		a.syncFailures = c.failures
		for range 20 {
			d := a.pollDelay()
			if d < c.min || d > c.min+c.min/10 {
				t.Fatalf("%d failures: delay %s, want %s plus at most 10%% jitter", c.failures, d, c.min)
			}
		}
	}
}
