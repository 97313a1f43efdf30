package schedule

import "time"

// Cron fields and windows are wall-clock rules. They are evaluated on a clock without DST,
// the wall clock of loc written as a UTC time, and mapped back to instants by instant.

// wallClock returns the wall clock of t in loc, expressed in UTC.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	y, mo, d := l.Date()
	h, mi, s := l.Clock()
	return time.Date(y, mo, d, h, mi, s, l.Nanosecond(), time.UTC)
}

// instant returns the first instant whose wall clock in loc reads w (w's fields are read as
// they are in UTC). A wall clock that occurs twice, in the hour repeated when clocks go
// back, gives its first occurrence. One that never occurs, in the hour skipped when clocks go
// forward, gives the transition: the first instant after the gap.
func instant(w time.Time, loc *time.Location) time.Time {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	// time.Date normalises a wall clock in a gap to either side of it, depending on the zone.
	switch got := wallClock(t, loc); {
	case got.After(w):
		start, _ := t.ZoneBounds()
		return start
	case got.Before(w):
		_, end := t.ZoneBounds()
		return end
	}
	// Of a repeated wall clock time.Date may return either occurrence; the first one lies in
	// the zone period before t's, whose offset is larger by the amount the clocks went back.
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Nanosecond).Zone()
	if prevOff > off {
		earlier := t.Add(-time.Duration(prevOff-off) * time.Second)
		if earlier.Before(start) && wallClock(earlier, loc).Equal(w) {
			return earlier
		}
	}
	return t
}
