package outcome

import (
	"math"
	"testing"
	"time"
)

func TestJitter(t *testing.T) {
	const maxDuration = time.Duration(math.MaxInt64)
	tests := []struct {
		name string
		d    time.Duration
		frac float64
		r    float64
		want time.Duration
	}{
		{name: "no randomness", d: 10 * time.Second, frac: 0.1, r: 0, want: 10 * time.Second},
		{name: "half", d: 10 * time.Second, frac: 0.1, r: 0.5, want: 10*time.Second + 500*time.Millisecond},
		{name: "almost all", d: time.Hour, frac: 0.5, r: 0.99, want: time.Hour + 29*time.Minute + 42*time.Second},
		{name: "r above 1 clamped", d: 10 * time.Second, frac: 0.1, r: 7, want: 11 * time.Second},
		{name: "negative r clamped", d: 10 * time.Second, frac: 0.1, r: -3, want: 10 * time.Second},
		{name: "NaN r", d: 10 * time.Second, frac: 0.1, r: math.NaN(), want: 10 * time.Second},
		{name: "zero frac", d: 10 * time.Second, frac: 0, r: 0.5, want: 10 * time.Second},
		{name: "negative frac", d: 10 * time.Second, frac: -0.5, r: 0.5, want: 10 * time.Second},
		{name: "NaN frac", d: 10 * time.Second, frac: math.NaN(), r: 0.5, want: 10 * time.Second},
		{name: "infinite frac, r 0", d: 10 * time.Second, frac: math.Inf(1), r: 0, want: 10 * time.Second},
		{name: "infinite frac saturates", d: 10 * time.Second, frac: math.Inf(1), r: 0.5, want: maxDuration},
		{name: "zero d", d: 0, frac: 0.5, r: 0.5, want: 0},
		{name: "negative d", d: -time.Second, frac: 0.5, r: 0.5, want: -time.Second},
		{name: "saturates", d: maxDuration / 2, frac: 2, r: 0.9, want: maxDuration},
		{name: "frac above 1", d: time.Minute, frac: 2, r: 0.5, want: 2 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			got := Jitter(tc.d, tc.frac, func() float64 { calls++; return tc.r })
			if got != tc.want {
				t.Errorf("Jitter(%v, %v, %v) = %v, want %v", tc.d, tc.frac, tc.r, got, tc.want)
			}
			if calls > 1 {
				t.Errorf("rnd called %d times, want at most once", calls)
			}
		})
	}
}
