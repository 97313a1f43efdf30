package manifests

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses a Go duration ("90m", "1h30m") that may start with a number of days
// ("14d", "1d12h"). The empty string is 0.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	days, rest, hasDays := strings.Cut(s, "d")
	if !hasDays {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		return d, nil
	}
	n, err := strconv.ParseInt(days, 10, 64)
	if err != nil || n < 0 || days[0] == '+' {
		return 0, fmt.Errorf("duration %q: days must be a whole number before d", s)
	}
	const day = 24 * time.Hour
	if n > math.MaxInt64/int64(day) {
		return 0, fmt.Errorf("duration %q: out of range", s)
	}
	d := time.Duration(n) * day
	if rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 || rest[0] == '+' {
			return 0, fmt.Errorf("duration %q: after the days must come a positive Go duration such as 12h", s)
		}
		if r > math.MaxInt64-d {
			return 0, fmt.Errorf("duration %q: out of range", s)
		}
		d += r
	}
	return d, nil
}
