package cronspec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// starBit is robfig/cron v3's marker of a "*" day field (its unexported starBit): when the
// day-of-month or day-of-week bits carry it, SpecSchedule ANDs the two day fields.
const starBit uint64 = 1 << 63

// Parse parses five cron fields (minute hour day-of-month month day-of-week) with cron(8)'s
// day rules (see the package documentation). Errors name the field and the value.
func Parse(expr string) (*cron.SpecSchedule, error) {
	f := strings.Fields(expr)
	if len(f) != 5 {
		return nil, fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(f))
	}
	dow, err := parseDow(f[4])
	if err != nil {
		return nil, err
	}
	// robfig parses the other fields; the day of week (0-7) is ours.
	s, err := cron.ParseStandard(strings.Join([]string{f[0], f[1], f[2], f[3], "*"}, " "))
	if err != nil {
		return nil, err
	}
	spec, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unexpected schedule type %T", s)
	}
	spec.Dom &^= starBit
	if star(f[2]) {
		spec.Dom |= starBit
	}
	spec.Dow = dow
	if star(f[4]) {
		spec.Dow |= starBit
	}
	return spec, nil
}

// star reports a day field that cron(8) counts as unrestricted: it starts with "*" (robfig's
// "?" means the same).
func star(field string) bool { return strings.HasPrefix(field, "*") || strings.HasPrefix(field, "?") }

var dowNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// parseDow reads a day-of-week field over 0-7 and returns robfig's bits (bit d for weekday d),
// with 7 folded into 0.
func parseDow(field string) (uint64, error) {
	var bits uint64
	for _, part := range strings.Split(field, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > 7 {
				return 0, fmt.Errorf("day-of-week %q: step %q is not 1-7", field, stepText)
			}
			step = n
		}
		lo, hi := 0, 7
		switch {
		case rng == "*" || rng == "?":
		default:
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = dowValue(field, a); err != nil {
				return 0, err
			}
			hi = lo
			if isRange {
				if hi, err = dowValue(field, b); err != nil {
					return 0, err
				}
			} else if hasStep {
				hi = 7 // "N/step" is N-7/step, as robfig reads it
			}
			if isRange && lo > hi && hi == 0 && !hasStep {
				hi = 7 // "fri-sun", "5-0": cronie reads a range ending on Sunday 0 as ending on 7
			}
			if lo > hi {
				return 0, fmt.Errorf("day-of-week %q: range %s goes backwards", field, rng)
			}
		}
		for d := lo; d <= hi; d += step {
			bits |= 1 << uint(d%7) // 7 is Sunday, as 0 is
		}
	}
	return bits, nil
}

func dowValue(field, s string) (int, error) {
	if n, ok := dowNames[strings.ToLower(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 7 {
		return 0, fmt.Errorf("day-of-week %q: %q is not 0-7 (0 and 7 are Sunday) or a name sun-sat", field, s)
	}
	return n, nil
}
