package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a span of calendar time: restic's keep-within duration.
type Duration struct {
	Years, Months, Days, Hours int
}

// MaxValue bounds each part, so that no input overflows time arithmetic.
const MaxValue = 1_000_000

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("invalid keep-within duration")

// Parse reads restic's duration syntax ("1y2m3d4h", "14d", "720h"). The empty string is the
// zero Duration.
func Parse(s string) (Duration, error) {
	var d Duration
	seen := map[byte]bool{}
	rest := strings.TrimSpace(s)
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			if rest[0] == '-' {
				return Duration{}, fmt.Errorf("%w %q: negative values are not allowed (restic's forget refuses them too)", ErrSyntax, s)
			}
			return Duration{}, fmt.Errorf("%w %q: expected a number at %q; write whole numbers with units y, m (months), d, h, such as 1y2m3d4h", ErrSyntax, s, rest)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > MaxValue {
			return Duration{}, fmt.Errorf("%w %q: %s is more than %d", ErrSyntax, s, rest[:i], MaxValue)
		}
		num := rest[:i]
		rest = rest[i:]
		if rest == "" {
			return Duration{}, fmt.Errorf("%w %q: no unit after %s; add y, m (months), d or h", ErrSyntax, s, num)
		}
		u := rest[0]
		if why := unsupported(rest); why != "" {
			return Duration{}, fmt.Errorf("%w %q: %s after %s: %s", ErrSyntax, s, why, num, reason)
		}
		switch u {
		case 'y':
			d.Years = n
		case 'm':
			d.Months = n
		case 'd':
			d.Days = n
		case 'h':
			d.Hours = n
		default:
			return Duration{}, fmt.Errorf("%w %q: unknown unit %q after %s; the units are y, m (months), d and h", ErrSyntax, s, rest[:1], num)
		}
		if seen[u] {
			return Duration{}, fmt.Errorf("%w %q: unit %c is given twice; write each unit once", ErrSyntax, s, u)
		}
		seen[u] = true
		rest = rest[1:]
	}
	return d, nil
}

// reason is why minutes and seconds are refused.
const reason = "keep-within counts calendar time as restic does, in years (y), months (m), days (d) and hours (h); minutes and seconds cannot be written (round up to whole hours)"

// unsupported names a unit that looks like minutes or seconds, or "".
func unsupported(rest string) string {
	for _, u := range []struct{ prefix, name string }{
		{"min", "minutes (min)"}, {"ms", "milliseconds (ms)"}, {"us", "microseconds (us)"},
		{"µs", "microseconds (µs)"}, {"ns", "nanoseconds (ns)"}, {"s", "seconds (s)"},
	} {
		if strings.HasPrefix(rest, u.prefix) {
			return u.name
		}
	}
	if strings.HasPrefix(rest, ".") {
		return "a fraction"
	}
	return ""
}

// Zero reports whether every part is 0 (restic then ignores the rule).
func (d Duration) Zero() bool { return d == Duration{} }

// String writes d as restic does: "1y2m3d4h", zero parts left out, "" for the zero Duration.
func (d Duration) String() string {
	var b strings.Builder
	for _, p := range []struct {
		n    int
		unit byte
	}{{d.Years, 'y'}, {d.Months, 'm'}, {d.Days, 'd'}, {d.Hours, 'h'}} {
		if p.n != 0 {
			b.WriteString(strconv.Itoa(p.n))
			b.WriteByte(p.unit)
		}
	}
	return b.String()
}

// Before returns the instant d before t, as restic's forget computes its keep-within cutoff:
// t.AddDate(-years, -months, -days) on the wall clock of t's zone offset at t, then minus the
// hours.
func (d Duration) Before(t time.Time) time.Time {
	_, off := t.Zone()
	fixed := t.In(time.FixedZone("", off))
	return fixed.AddDate(-d.Years, -d.Months, -d.Days).Add(-time.Duration(d.Hours) * time.Hour)
}
