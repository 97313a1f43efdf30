package outcome

import (
	"math"
	"time"
)

// Jitter returns d lengthened by up to frac of itself: d + r·frac·d, with r = rnd() in
// [0, 1) (math/rand/v2's Float64, or a fixed value in tests). It only lengthens, so the
// configured interval stays a lower bound: jitter spreads agents apart without ever polling
// more often than configured, and the result is never zero or negative for a positive d.
// d ≤ 0, frac ≤ 0 and a NaN from rnd return d; r is clamped to [0, 1]; the result saturates at the largest
// Duration.
func Jitter(d time.Duration, frac float64, rnd func() float64) time.Duration {
	if d <= 0 || !(frac > 0) {
		return d
	}
	extra := float64(d) * frac * min(max(rnd(), 0), 1)
	if math.IsNaN(extra) { // rnd returned NaN, or frac is +Inf and r is 0
		return d
	}
	if extra >= float64(math.MaxInt64-d) {
		return time.Duration(math.MaxInt64)
	}
	return d + time.Duration(extra)
}
