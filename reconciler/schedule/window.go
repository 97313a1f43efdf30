package schedule

import "time"

const day = 24 * time.Hour

// InWindow reports whether t is inside a maintenance window, that is whether IIS may be
// stopped at t. Without a window it is always true.
func (s *Schedule) InWindow(t time.Time) bool {
	if s.always() {
		return true
	}
	open, _ := s.window(t)
	return !t.Before(open)
}

// WindowEnd returns when the window containing t closes, or the zero time when t is in no
// window or there is no window. The loop refuses to start stopping IIS at or after it; a run
// already inside the window finishes.
func (s *Schedule) WindowEnd(t time.Time) time.Time {
	if s.always() {
		return time.Time{}
	}
	open, end := s.window(t)
	if t.Before(open) {
		return time.Time{}
	}
	return end
}

// NextWindowStart returns when the first window that opens after t opens (strictly after:
// inside a window it is the following one). Without a window it returns the zero time.
func (s *Schedule) NextWindowStart(t time.Time) time.Time {
	if s.always() {
		return time.Time{}
	}
	open, end := s.window(t)
	if open.After(t) {
		return open
	}
	open, _ = s.window(end)
	return open
}

// always reports whether there is no window, so that IIS may be stopped at any time.
func (s *Schedule) always() bool { return s.Window.Length <= 0 }

// window returns the window containing t or, when t is in none, the next one to open. It
// must only be called when !s.always().
func (s *Schedule) window(t time.Time) (open, end time.Time) {
	// A window lasts at most a day, so the one opening two days before t's day closed by
	// t's midnight; the windows are disjoint and in order, so the first to close after t is
	// the answer. Days whose window fell wholly in a DST gap are empty and skipped.
	d := wallClock(t, s.Loc).Truncate(day).Add(-day)
	for ; ; d = d.Add(day) {
		open = instant(d.Add(s.Window.Start), s.Loc)
		end = instant(d.Add(s.Window.Start+s.Window.Length), s.Loc)
		if end.After(t) && end.After(open) {
			return open, end
		}
	}
}
