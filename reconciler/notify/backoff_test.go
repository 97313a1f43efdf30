package notify

import (
	"testing"
	"time"
)

// TestDefaultRetrySchedule pins what the README promises: 5 s doubling to a 5 min cap, 8
// attempts spanning about 10 minutes.
func TestDefaultRetrySchedule(t *testing.T) {
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 5 * time.Minute}
	var total time.Duration
	for i := 1; i < DefaultMaxAttempts; i++ {
		d := DefaultBackoff.Delay(i)
		if d != want[i-1] {
			t.Errorf("wait after attempt %d = %s, want %s", i, d, want[i-1])
		}
		total += d
	}
	if total < 9*time.Minute || total > 11*time.Minute {
		t.Errorf("the %d attempts span %s, want about 10 min", DefaultMaxAttempts, total)
	}
	if d := DefaultBackoff.Delay(50); d != 5*time.Minute {
		t.Errorf("a long run of failures waits %s, want the 5 min cap", d)
	}
}
