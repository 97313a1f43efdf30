package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Windows has no IANA zone database; without this LoadLocation fails there.

	"github.com/robfig/cron/v3"

	"github.com/vaultkeeper/vaultkeeper/manifests/cronspec"
)

// Errors returned by New, for errors.Is; each is wrapped with the offending value.
var (
	ErrCron     = errors.New("invalid cron schedule")
	ErrTimeZone = errors.New("invalid time zone")
	ErrWindow   = errors.New("invalid window")
)

// Schedule is a parsed BackupPolicy schedule. Build it with New.
type Schedule struct {
	cron cron.Schedule // evaluated on wall-clock times expressed in UTC
	// Loc is the policy's time zone: cron fields and the window are read on its wall clock.
	Loc *time.Location
	// Window is the daily maintenance window; the zero Window means always open.
	Window Window
}

// Window is a daily maintenance window on the wall clock of the Schedule's Loc.
type Window struct {
	// Start is when the window opens, since local midnight: [0, 24h).
	Start time.Duration
	// Length is how long it stays open on the wall clock: (0, 24h]; 0 means no window (always open).
	Length time.Duration
}

// New parses a BackupPolicy's schedule (a 5-field cron expression), time zone (an IANA name,
// empty for UTC) and window (start "HH:MM" and a Go duration of at most 24h, both empty for
// no window). Errors wrap ErrCron, ErrTimeZone or ErrWindow and name the bad value.
func New(cronExpr, timeZone, windowStart, windowDuration string) (*Schedule, error) {
	sched, err := parseCron(cronExpr)
	if err != nil {
		return nil, err
	}
	loc, err := parseTimeZone(timeZone)
	if err != nil {
		return nil, err
	}
	win, err := parseWindow(windowStart, windowDuration)
	if err != nil {
		return nil, err
	}
	return &Schedule{cron: sched, Loc: loc, Window: win}, nil
}

func parseCron(expr string) (cron.Schedule, error) {
	if n := len(strings.Fields(expr)); n != 5 {
		return nil, fmt.Errorf("%w %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", ErrCron, expr, n)
	}
	sched, err := cronspec.Parse(expr) // cron(8)'s day rules: 7 is Sunday, "*/2" days AND
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrCron, expr, err)
	}
	// robfig looks five years ahead; from 2001 that includes a 29 February.
	if sched.Next(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("%w %q: it never fires", ErrCron, expr)
	}
	return sched, nil
}

func parseTimeZone(name string) (*time.Location, error) {
	switch name {
	case "":
		return time.UTC, nil
	case "Local":
		return nil, fmt.Errorf("%w %q: name an IANA zone such as Europe/Zurich; the host's zone is not allowed", ErrTimeZone, name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrTimeZone, name, err)
	}
	return loc, nil
}

func parseWindow(start, duration string) (Window, error) {
	if start == "" && duration == "" {
		return Window{}, nil
	}
	if start == "" || duration == "" {
		return Window{}, fmt.Errorf("%w: start %q and duration %q must be given together", ErrWindow, start, duration)
	}
	at, err := parseClock(start)
	if err != nil {
		return Window{}, fmt.Errorf("%w start %q: %w", ErrWindow, start, err)
	}
	length, err := time.ParseDuration(duration)
	if err != nil {
		return Window{}, fmt.Errorf("%w duration %q: %w", ErrWindow, duration, err)
	}
	if length <= 0 || length > 24*time.Hour {
		return Window{}, fmt.Errorf("%w duration %q: must be more than 0 and at most 24h", ErrWindow, duration)
	}
	return Window{Start: at, Length: length}, nil
}

// parseClock reads "HH:MM" on a 24-hour clock.
func parseClock(s string) (time.Duration, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, errors.New(`want "HH:MM"`)
	}
	h, okH := twoDigits(s[0:2])
	m, okM := twoDigits(s[3:5])
	if !okH || !okM || h > 23 || m > 59 {
		return 0, errors.New(`want "HH:MM" from 00:00 to 23:59`)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}
