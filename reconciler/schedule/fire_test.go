package schedule

import (
	"testing"
	"time"
)

func TestNextFire(t *testing.T) {
	tests := []struct {
		name, cron, zone string
		after, want      string // local; offsets where the wall clock repeats
	}{
		{name: "daily", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-06-01 12:00", want: "2025-06-02 02:30"},
		{name: "exactly at a fire time gives the next", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-06-02 02:30", want: "2025-06-03 02:30"},
		{name: "Zurich spring forward fires at the transition", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-03-29 12:00", want: "2025-03-30 03:00"},
		{name: "Zurich after the transition run", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-03-30 03:00", want: "2025-03-31 02:30"},
		{name: "Zurich fall back fires at the first 02:30", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-10-25 12:00", want: "2025-10-26 02:30 +0200"},
		{name: "Zurich no second 02:30", cron: "30 2 * * *", zone: "Europe/Zurich", after: "2025-10-26 02:30 +0200", want: "2025-10-27 02:30"},
		{name: "Zurich hourly skips the repeated hour", cron: "30 * * * *", zone: "Europe/Zurich", after: "2025-10-26 02:30 +0200", want: "2025-10-26 03:30"},
		{name: "Zurich hourly from inside the repeated hour", cron: "30 * * * *", zone: "Europe/Zurich", after: "2025-10-26 02:10 +0100", want: "2025-10-26 03:30"},
		{name: "Zurich every minute: the gap is one fire time", cron: "* * * * *", zone: "Europe/Zurich", after: "2025-03-30 01:59", want: "2025-03-30 03:00"},
		{name: "Zurich every minute after the gap", cron: "* * * * *", zone: "Europe/Zurich", after: "2025-03-30 03:00", want: "2025-03-30 03:01"},
		{name: "New York spring forward", cron: "30 2 * * *", zone: "America/New_York", after: "2025-03-08 12:00", want: "2025-03-09 03:00"},
		{name: "New York fall back first 01:30", cron: "30 1 * * *", zone: "America/New_York", after: "2025-11-01 12:00", want: "2025-11-02 01:30 -0400"},
		{name: "New York no second 01:30", cron: "30 1 * * *", zone: "America/New_York", after: "2025-11-02 01:30 -0400", want: "2025-11-03 01:30"},
		{name: "29 February", cron: "0 0 29 2 *", zone: "UTC", after: "2025-01-01 00:00", want: "2028-02-29 00:00"},
		{name: "none within five years", cron: "0 0 29 2 *", zone: "UTC", after: "2097-03-01 00:00", want: ""},
		// cron(8)'s day rules (package cronspec): 7 is Sunday; a "*"-stepped day of month ANDs
		// with the day of week, two restricted day fields OR. 2025-06-02 is a Monday.
		{name: "7 is Sunday", cron: "0 3 * * 7", zone: "Europe/Zurich", after: "2025-06-02 12:00", want: "2025-06-08 03:00"},
		{name: "*/2 and Monday: odd days that are Mondays", cron: "0 3 */2 * 1", zone: "Europe/Zurich", after: "2025-06-02 12:00", want: "2025-06-09 03:00"},
		{name: "*/2 and Monday, next", cron: "0 3 */2 * 1", zone: "Europe/Zurich", after: "2025-06-09 12:00", want: "2025-06-23 03:00"},
		{name: "1,15 or Friday", cron: "0 3 1,15 * 5", zone: "Europe/Zurich", after: "2025-06-02 12:00", want: "2025-06-06 03:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, tc.cron, tc.zone, "", "")
			sameInstant(t, "nextFire("+tc.after+")", s.nextFire(local(t, s.Loc, tc.after)), orZero(t, s.Loc, tc.want), s.Loc)
		})
	}
}

func TestLatestFire(t *testing.T) {
	tests := []struct {
		name, cron       string
		after, now, want string // UTC; after "" is never
	}{
		{name: "hourly after 10 hours down", cron: "0 * * * *", after: "2025-06-01 00:00", now: "2025-06-01 10:30", want: "2025-06-01 10:00"},
		{name: "daily after 3 days down", cron: "0 2 * * *", after: "2025-06-01 02:00", now: "2025-06-04 03:00", want: "2025-06-04 02:00"},
		{name: "fire time at now counts", cron: "0 2 * * *", after: "2025-06-03 02:00", now: "2025-06-04 02:00", want: "2025-06-04 02:00"},
		{name: "fire time at after does not", cron: "0 2 * * *", after: "2025-06-04 02:00", now: "2025-06-04 02:00", want: ""},
		{name: "none since", cron: "0 2 * * *", after: "2025-06-04 02:00", now: "2025-06-05 01:59", want: ""},
		{name: "after later than now", cron: "0 2 * * *", after: "2025-06-05 02:00", now: "2025-06-04 03:00", want: ""},
		{name: "never run, daily", cron: "0 2 * * *", now: "2025-06-04 01:00", want: "2025-06-03 02:00"},
		{name: "never run, yearly", cron: "0 0 1 1 *", now: "2025-06-04 01:00", want: "2025-01-01 00:00"},
		{name: "never run, every four years", cron: "0 0 29 2 *", now: "2027-06-04 01:00", want: "2024-02-29 00:00"},
		{name: "never run, every minute", cron: "* * * * *", now: "2025-06-04 01:00", want: "2025-06-04 01:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, tc.cron, "", "", "")
			got := s.latestFire(orZero(t, time.UTC, tc.after), utc(t, tc.now))
			sameInstant(t, "latestFire", got, orZero(t, time.UTC, tc.want), time.UTC)
		})
	}
}
