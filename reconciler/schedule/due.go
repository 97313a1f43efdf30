package schedule

import "time"

// Reasons given in a Decision.
const (
	// ReasonScheduled: the latest fire time is due and its window is open.
	ReasonScheduled = "scheduled"
	// ReasonCatchUp: the latest fire time missed its window; it runs once in this one.
	ReasonCatchUp = "catch-up of a missed run"
	// ReasonWaitingForWindow: a fire time is due but IIS may not be stopped before Next.
	ReasonWaitingForWindow = "waiting for window"
	// ReasonWaitingForSchedule: no fire time since the last attempt; the next one runs at Next.
	ReasonWaitingForSchedule = "waiting for schedule"
	// ReasonSuperseded: the latest fire time missed its window and the next fire time, which
	// comes before the next window closes, runs instead at Next.
	ReasonSuperseded = "missed its window; the next scheduled run replaces it"
	// ReasonNever: the schedule has no fire time left within five years.
	ReasonNever = "no future fire time"
)

// Decision is what Due decided.
type Decision struct {
	// Run is true when a backup should start now.
	Run bool
	// Scheduled is a fire time: with Run, the one this run serves; without, the one
	// expected to run at Next (a later fire time replaces it if one falls before Next).
	Scheduled time.Time
	// Next is when to ask again: when Run is false, when the next run is expected; when Run
	// is true, when the run after this one is expected if this one is attempted now. It is
	// zero only with ReasonNever.
	Next time.Time
	// Reason is one of the Reason constants.
	Reason string
}

// Due decides whether a backup should start at now, given when the last attempt started
// (zero if never). See the package documentation for the rules.
func (s *Schedule) Due(lastAttempt, now time.Time) Decision {
	fired := s.latestFire(lastAttempt, now)
	if fired.IsZero() {
		from := now
		if lastAttempt.After(now) { // the clock went back; do not repeat that attempt
			from = lastAttempt
		}
		return s.waitFor(s.nextFire(from), ReasonWaitingForSchedule)
	}
	if s.always() {
		return s.run(fired, now, ReasonScheduled)
	}
	open, end := s.window(fired)
	switch {
	case now.Before(open):
		return Decision{Scheduled: fired, Next: open, Reason: ReasonWaitingForWindow}
	case now.Before(end):
		return s.run(fired, now, ReasonScheduled)
	}
	// Its window has closed: fired was missed.
	open, end = s.window(now)
	if next := s.nextFire(now); !next.IsZero() && next.Before(end) {
		return s.waitFor(next, ReasonSuperseded)
	}
	if now.Before(open) {
		return Decision{Scheduled: fired, Next: open, Reason: ReasonWaitingForWindow}
	}
	return s.run(fired, now, ReasonCatchUp)
}

func (s *Schedule) run(fired, now time.Time, reason string) Decision {
	after := s.waitFor(s.nextFire(now), reason)
	return Decision{Run: true, Scheduled: fired, Next: after.Next, Reason: reason}
}

// waitFor is the decision to wait for fire time next, which runs at its own time when that
// is inside a window, or when the next window opens.
func (s *Schedule) waitFor(next time.Time, reason string) Decision {
	if next.IsZero() {
		return Decision{Reason: ReasonNever}
	}
	at := next
	if !s.InWindow(next) {
		at = s.NextWindowStart(next)
	}
	return Decision{Scheduled: next, Next: at, Reason: reason}
}
