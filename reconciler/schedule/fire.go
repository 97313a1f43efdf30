package schedule

import "time"

// lookback bounds the search for the latest fire time: the first span holding one wins, so
// dense schedules stop after an hour of fire times and sparse ones still find theirs.
var lookback = []time.Duration{time.Hour, 26 * time.Hour, 8 * day, 32 * day, 367 * day, 5 * 366 * day}

// nextFire returns the first fire time after t, or zero if there is none within five years.
func (s *Schedule) nextFire(t time.Time) time.Time {
	w := wallClock(t, s.Loc)
	for {
		w = s.cron.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		// Wall times mapped to t or before: repeated (second occurrence) or in a gap already passed.
		if f := instant(w, s.Loc); f.After(t) {
			return f
		}
	}
}

// latestFire returns the latest fire time in (after, now], or zero if there is none.
func (s *Schedule) latestFire(after, now time.Time) time.Time {
	for _, back := range lookback {
		from, bounded := now.Add(-back), false
		if !after.Before(from) {
			from, bounded = after, true
		}
		var last time.Time
		for f := s.nextFire(from); !f.IsZero() && !f.After(now); f = s.nextFire(f) {
			last = f
		}
		if !last.IsZero() || bounded {
			return last
		}
	}
	return time.Time{}
}
