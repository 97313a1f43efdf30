package schedule

import (
	"testing"
	"time"
)

func TestInstant(t *testing.T) {
	tests := []struct {
		name string
		zone string
		wall string // read as a wall clock
		want string // the instant, in UTC
	}{
		{name: "ordinary time", zone: "Europe/Zurich", wall: "2025-06-01 02:30", want: "2025-06-01 00:30"},
		{name: "UTC", zone: "UTC", wall: "2025-03-30 02:30", want: "2025-03-30 02:30"},
		// time.Date normalises Zurich's gap to after it and New York's to before it.
		{name: "Zurich skipped 02:30 gives 03:00 CEST", zone: "Europe/Zurich", wall: "2025-03-30 02:30", want: "2025-03-30 01:00"},
		{name: "Zurich skipped 02:00 gives 03:00 CEST", zone: "Europe/Zurich", wall: "2025-03-30 02:00", want: "2025-03-30 01:00"},
		{name: "Zurich 03:00 after the gap", zone: "Europe/Zurich", wall: "2025-03-30 03:00", want: "2025-03-30 01:00"},
		{name: "Zurich 01:59 before the gap", zone: "Europe/Zurich", wall: "2025-03-30 01:59", want: "2025-03-30 00:59"},
		{name: "New York skipped 02:30 gives 03:00 EDT", zone: "America/New_York", wall: "2025-03-09 02:30", want: "2025-03-09 07:00"},
		// time.Date picks Zurich's second occurrence and New York's first.
		{name: "Zurich repeated 02:30 gives CEST", zone: "Europe/Zurich", wall: "2025-10-26 02:30", want: "2025-10-26 00:30"},
		{name: "Zurich repeated 02:00 gives CEST", zone: "Europe/Zurich", wall: "2025-10-26 02:00", want: "2025-10-26 00:00"},
		{name: "Zurich 03:00 after the repeat", zone: "Europe/Zurich", wall: "2025-10-26 03:00", want: "2025-10-26 02:00"},
		{name: "New York repeated 01:30 gives EDT", zone: "America/New_York", wall: "2025-11-02 01:30", want: "2025-11-02 05:30"},
		// Lord Howe Island moves its clocks by 30 minutes.
		{name: "Lord Howe repeated 01:45 gives +11", zone: "Australia/Lord_Howe", wall: "2025-04-06 01:45", want: "2025-04-05 14:45"},
		{name: "Lord Howe skipped 02:15 gives 02:30 +11", zone: "Australia/Lord_Howe", wall: "2025-10-05 02:15", want: "2025-10-04 15:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustLoc(t, tc.zone)
			got := instant(utc(t, tc.wall), loc)
			sameInstant(t, "instant("+tc.wall+")", got, utc(t, tc.want), loc)
		})
	}
}

// TestInstantMinuteByMinute walks the wall clock through each DST change: instants never go
// backwards, a wall clock that exists maps to its first occurrence, and one in the gap maps
// to the transition.
func TestInstantMinuteByMinute(t *testing.T) {
	tests := []struct {
		zone, day string
		wantGap   int // minutes of wall clock that do not exist that day
	}{
		{"Europe/Zurich", "2025-03-30", 60}, {"Europe/Zurich", "2025-10-26", 0},
		{"America/New_York", "2025-03-09", 60}, {"America/New_York", "2025-11-02", 0},
		{"Australia/Lord_Howe", "2025-10-05", 30}, {"Australia/Lord_Howe", "2025-04-06", 0},
	}
	for _, tc := range tests {
		t.Run(tc.zone+" "+tc.day, func(t *testing.T) {
			loc := mustLoc(t, tc.zone)
			w0 := utc(t, tc.day+" 00:00")
			var prev time.Time
			gap := 0
			for w := w0; w.Before(w0.Add(day)); w = w.Add(time.Minute) {
				got := instant(w, loc)
				if got.Before(prev) {
					t.Fatalf("instant(%v) = %v, before the minute before's %v", w, show(got, loc), show(prev, loc))
				}
				prev = got
				if !wallClock(got, loc).Equal(w) {
					gap++
					if start, _ := got.ZoneBounds(); !got.Equal(start) {
						t.Errorf("instant(%v) = %v: neither that wall clock nor a transition", w, show(got, loc))
					}
					continue
				}
				for _, back := range []time.Duration{30 * time.Minute, time.Hour} {
					if wallClock(got.Add(-back), loc).Equal(w) {
						t.Errorf("instant(%v) = %v, but the earlier %v reads the same", w, show(got, loc), show(got.Add(-back), loc))
					}
				}
			}
			if gap != tc.wantGap {
				t.Errorf("%d wall-clock minutes in the gap, want %d", gap, tc.wantGap)
			}
		})
	}
}
