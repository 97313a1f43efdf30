package schedule

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	type probe struct {
		at        string // local wall clock, with its offset where it is repeated
		in        bool
		end       string // WindowEnd, local; "" for zero
		nextStart string // NextWindowStart, local; "" for zero
	}
	tests := []struct {
		name, zone, start, dur string
		probes                 []probe
	}{
		{name: "01:00 for 4h", zone: "UTC", start: "01:00", dur: "4h", probes: []probe{
			{at: "2025-06-10 00:59", in: false, nextStart: "2025-06-10 01:00"},
			{at: "2025-06-10 01:00", in: true, end: "2025-06-10 05:00", nextStart: "2025-06-11 01:00"},
			{at: "2025-06-10 04:59", in: true, end: "2025-06-10 05:00", nextStart: "2025-06-11 01:00"},
			{at: "2025-06-10 05:00", in: false, nextStart: "2025-06-11 01:00"},
			{at: "2025-06-10 23:59", in: false, nextStart: "2025-06-11 01:00"},
		}},
		{name: "crossing midnight", zone: "Europe/Zurich", start: "23:00", dur: "4h", probes: []probe{
			{at: "2025-06-10 00:30", in: true, end: "2025-06-10 03:00", nextStart: "2025-06-10 23:00"},
			{at: "2025-06-10 03:00", in: false, nextStart: "2025-06-10 23:00"},
			{at: "2025-06-10 22:59", in: false, nextStart: "2025-06-10 23:00"},
			{at: "2025-06-10 23:00", in: true, end: "2025-06-11 03:00", nextStart: "2025-06-11 23:00"},
			{at: "2025-12-31 23:30", in: true, end: "2026-01-01 03:00", nextStart: "2026-01-01 23:00"},
		}},
		{name: "whole day is always open", zone: "UTC", start: "06:00", dur: "24h", probes: []probe{
			{at: "2025-06-10 05:59", in: true, end: "2025-06-10 06:00", nextStart: "2025-06-10 06:00"},
			{at: "2025-06-10 06:00", in: true, end: "2025-06-11 06:00", nextStart: "2025-06-11 06:00"},
		}},
		{name: "no window", zone: "UTC", probes: []probe{
			{at: "2025-06-10 05:59", in: true},
		}},
		{name: "Zurich spring forward: 01:00 to 05:00 is 3 real hours", zone: "Europe/Zurich", start: "01:00", dur: "4h", probes: []probe{
			{at: "2025-03-30 01:59", in: true, end: "2025-03-30 05:00", nextStart: "2025-03-31 01:00"},
			{at: "2025-03-30 03:00", in: true, end: "2025-03-30 05:00", nextStart: "2025-03-31 01:00"},
			{at: "2025-03-30 05:00", in: false, nextStart: "2025-03-31 01:00"},
		}},
		{name: "Zurich fall back: 01:00 to 05:00 is 5 real hours", zone: "Europe/Zurich", start: "01:00", dur: "4h", probes: []probe{
			{at: "2025-10-26 02:30 +0200", in: true, end: "2025-10-26 05:00", nextStart: "2025-10-27 01:00"},
			{at: "2025-10-26 02:30 +0100", in: true, end: "2025-10-26 05:00", nextStart: "2025-10-27 01:00"},
			{at: "2025-10-26 04:30", in: true, end: "2025-10-26 05:00", nextStart: "2025-10-27 01:00"},
			{at: "2025-10-26 05:00", in: false, nextStart: "2025-10-27 01:00"},
		}},
		{name: "window in the skipped hour does not exist that day", zone: "Europe/Zurich", start: "02:00", dur: "30m", probes: []probe{
			{at: "2025-03-29 02:10", in: true, end: "2025-03-29 02:30", nextStart: "2025-03-31 02:00"},
			{at: "2025-03-30 01:00", in: false, nextStart: "2025-03-31 02:00"},
			{at: "2025-03-30 03:00", in: false, nextStart: "2025-03-31 02:00"},
		}},
		{name: "window starting in the skipped hour opens at the transition", zone: "Europe/Zurich", start: "02:30", dur: "1h", probes: []probe{
			{at: "2025-03-30 01:59", in: false, nextStart: "2025-03-30 03:00"},
			{at: "2025-03-30 03:00", in: true, end: "2025-03-30 03:30", nextStart: "2025-03-31 02:30"},
		}},
		{name: "window starting in the repeated hour opens at its first occurrence", zone: "Europe/Zurich", start: "02:30", dur: "1h", probes: []probe{
			{at: "2025-10-26 02:29 +0200", in: false, nextStart: "2025-10-26 02:30 +0200"},
			{at: "2025-10-26 02:30 +0200", in: true, end: "2025-10-26 03:30", nextStart: "2025-10-27 02:30"},
			{at: "2025-10-26 02:30 +0100", in: true, end: "2025-10-26 03:30", nextStart: "2025-10-27 02:30"},
		}},
		{name: "New York fall back", zone: "America/New_York", start: "01:00", dur: "2h", probes: []probe{
			{at: "2025-11-02 01:30 -0400", in: true, end: "2025-11-02 03:00", nextStart: "2025-11-03 01:00"},
			{at: "2025-11-02 01:30 -0500", in: true, end: "2025-11-02 03:00", nextStart: "2025-11-03 01:00"},
			{at: "2025-11-02 03:00", in: false, nextStart: "2025-11-03 01:00"},
		}},
		{name: "New York spring forward", zone: "America/New_York", start: "23:00", dur: "4h", probes: []probe{
			{at: "2025-03-09 01:59", in: true, end: "2025-03-09 03:00", nextStart: "2025-03-09 23:00"},
			{at: "2025-03-09 03:00", in: false, nextStart: "2025-03-09 23:00"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "0 2 * * *", tc.zone, tc.start, tc.dur)
			for _, p := range tc.probes {
				at := local(t, s.Loc, p.at)
				if got := s.InWindow(at); got != p.in {
					t.Errorf("InWindow(%v) = %v, want %v", show(at, s.Loc), got, p.in)
				}
				sameInstant(t, "WindowEnd("+show(at, s.Loc)+")", s.WindowEnd(at), orZero(t, s.Loc, p.end), s.Loc)
				sameInstant(t, "NextWindowStart("+show(at, s.Loc)+")", s.NextWindowStart(at), orZero(t, s.Loc, p.nextStart), s.Loc)
			}
		})
	}
}

func orZero(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	return local(t, loc, s)
}
