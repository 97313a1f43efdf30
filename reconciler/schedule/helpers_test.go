package schedule

import (
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// local reads "2006-01-02 15:04" in loc. A repeated wall clock needs its offset
// ("2006-01-02 15:04 -0700"), since without one time.Date may pick either occurrence.
func local(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += " -0700"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func utc(t testing.TB, s string) time.Time { t.Helper(); return local(t, time.UTC, s) }

func mustNew(t testing.TB, cronExpr, tz, start, dur string) *Schedule {
	t.Helper()
	s, err := New(cronExpr, tz, start, dur)
	if err != nil {
		t.Fatalf("New(%q, %q, %q, %q): %v", cronExpr, tz, start, dur, err)
	}
	return s
}

// sameInstant compares instants, showing both in loc on failure.
func sameInstant(t testing.TB, what string, got, want time.Time, loc *time.Location) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, show(got, loc), show(want, loc))
	}
}

func show(v time.Time, loc *time.Location) string {
	if v.IsZero() {
		return "zero"
	}
	return v.In(loc).Format("2006-01-02 15:04:05 MST")
}
