package schedule

import (
	"testing"
)

func TestDue(t *testing.T) {
	type want struct {
		run             bool
		scheduled, next string // local
		reason          string
	}
	tests := []struct {
		name, cron, zone, start, dur string
		last, now                    string // local; last "" is never
		want                         want
	}{
		// Daily 02:00, window 01:00–05:00.
		{name: "due at 02:00 inside the window runs at 02:00", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 02:00", now: "2025-06-10 02:00",
			want: want{run: true, scheduled: "2025-06-10 02:00", next: "2025-06-11 02:00", reason: ReasonScheduled}},
		{name: "before the fire time waits for it", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 02:00", now: "2025-06-10 01:30",
			want: want{scheduled: "2025-06-10 02:00", next: "2025-06-10 02:00", reason: ReasonWaitingForSchedule}},
		{name: "after the run waits for tomorrow", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-10 02:00", now: "2025-06-10 03:00",
			want: want{scheduled: "2025-06-11 02:00", next: "2025-06-11 02:00", reason: ReasonWaitingForSchedule}},
		{name: "down 3 days, back inside the window: one run", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-07 02:00", now: "2025-06-10 03:00",
			want: want{run: true, scheduled: "2025-06-10 02:00", next: "2025-06-11 02:00", reason: ReasonScheduled}},
		{name: "down 3 days, back in the window before its fire time: wait for it, no double run", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-07 02:00", now: "2025-06-10 01:30",
			want: want{scheduled: "2025-06-10 02:00", next: "2025-06-10 02:00", reason: ReasonSuperseded}},
		{name: "down 3 days, back after the window: tomorrow's fire time counts", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-07 02:00", now: "2025-06-10 10:00",
			want: want{scheduled: "2025-06-11 02:00", next: "2025-06-11 02:00", reason: ReasonSuperseded}},
		{name: "never run, inside the window after the fire time", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			now:  "2025-06-10 03:00",
			want: want{run: true, scheduled: "2025-06-10 02:00", next: "2025-06-11 02:00", reason: ReasonScheduled}},
		{name: "never run, after the window", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			now:  "2025-06-10 10:00",
			want: want{scheduled: "2025-06-11 02:00", next: "2025-06-11 02:00", reason: ReasonSuperseded}},
		{name: "run started at 04:59 is not repeated", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-10 04:59", now: "2025-06-10 05:30",
			want: want{scheduled: "2025-06-11 02:00", next: "2025-06-11 02:00", reason: ReasonWaitingForSchedule}},
		{name: "clock went back after the attempt", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-10 03:00", now: "2025-06-10 02:30",
			want: want{scheduled: "2025-06-11 02:00", next: "2025-06-11 02:00", reason: ReasonWaitingForSchedule}},

		// Daily 06:00, outside the window 01:00–05:00.
		{name: "due at 06:00 waits for 01:00 next day", cron: "0 6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 01:00", now: "2025-06-10 06:00",
			want: want{scheduled: "2025-06-10 06:00", next: "2025-06-11 01:00", reason: ReasonWaitingForWindow}},
		{name: "due at 06:00 runs at 01:00 next day", cron: "0 6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 01:00", now: "2025-06-11 01:00",
			want: want{run: true, scheduled: "2025-06-10 06:00", next: "2025-06-12 01:00", reason: ReasonScheduled}},
		{name: "before 06:00 the next run is at 01:00 next day", cron: "0 6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-10 01:00", now: "2025-06-10 03:00",
			want: want{scheduled: "2025-06-10 06:00", next: "2025-06-11 01:00", reason: ReasonWaitingForSchedule}},

		// Twice a day, 02:00 inside and 06:00 outside the window.
		{name: "06:00 fire runs at 01:00 next day", cron: "0 2,6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 02:00", now: "2025-06-10 01:00",
			want: want{run: true, scheduled: "2025-06-09 06:00", next: "2025-06-10 02:00", reason: ReasonScheduled}},
		{name: "and that day's 02:00 fire runs too", cron: "0 2,6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-10 01:00", now: "2025-06-10 02:00",
			want: want{run: true, scheduled: "2025-06-10 02:00", next: "2025-06-11 01:00", reason: ReasonScheduled}},

		// Weekly on Sunday 02:00; 2025-06-08 is a Sunday.
		{name: "missed Sunday waits for Tuesday's window", cron: "0 2 * * 0", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-01 02:00", now: "2025-06-09 10:00",
			want: want{scheduled: "2025-06-08 02:00", next: "2025-06-10 01:00", reason: ReasonWaitingForWindow}},
		{name: "missed Sunday catches up in Tuesday's window", cron: "0 2 * * 0", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-01 02:00", now: "2025-06-10 01:00",
			want: want{run: true, scheduled: "2025-06-08 02:00", next: "2025-06-15 02:00", reason: ReasonCatchUp}},
		{name: "missed Sunday catches up when back inside a later window", cron: "0 2 * * 0", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-01 02:00", now: "2025-06-11 04:59",
			want: want{run: true, scheduled: "2025-06-08 02:00", next: "2025-06-15 02:00", reason: ReasonCatchUp}},

		// Hourly.
		{name: "hourly, 10 hours down, no window: one run", cron: "0 * * * *", zone: "UTC",
			last: "2025-06-10 00:00", now: "2025-06-10 10:30",
			want: want{run: true, scheduled: "2025-06-10 10:00", next: "2025-06-10 11:00", reason: ReasonScheduled}},
		{name: "hourly, after that run", cron: "0 * * * *", zone: "UTC",
			last: "2025-06-10 10:30", now: "2025-06-10 10:45",
			want: want{scheduled: "2025-06-10 11:00", next: "2025-06-10 11:00", reason: ReasonWaitingForSchedule}},
		{name: "hourly, fire times outside the window wait for it", cron: "0 * * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 04:00", now: "2025-06-10 00:30",
			want: want{scheduled: "2025-06-10 00:00", next: "2025-06-10 01:00", reason: ReasonWaitingForWindow}},
		{name: "hourly, 10 hours down, back in the window: one run", cron: "0 * * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 17:00", now: "2025-06-10 03:10",
			want: want{run: true, scheduled: "2025-06-10 03:00", next: "2025-06-10 04:00", reason: ReasonScheduled}},
		{name: "hourly, last run of the window, next is tomorrow", cron: "0 * * * *", zone: "UTC", start: "01:00", dur: "4h",
			last: "2025-06-09 23:00", now: "2025-06-10 04:00",
			want: want{run: true, scheduled: "2025-06-10 04:00", next: "2025-06-11 01:00", reason: ReasonScheduled}},

		// Window crossing midnight.
		{name: "fire at 00:30 inside a 23:00–03:00 window", cron: "30 0 * * *", zone: "Europe/Zurich", start: "23:00", dur: "4h",
			last: "2025-06-09 00:30", now: "2025-06-10 00:30",
			want: want{run: true, scheduled: "2025-06-10 00:30", next: "2025-06-11 00:30", reason: ReasonScheduled}},
		{name: "fire at 22:00 waits for 23:00", cron: "0 22 * * *", zone: "Europe/Zurich", start: "23:00", dur: "4h",
			last: "2025-06-09 23:00", now: "2025-06-10 22:00",
			want: want{scheduled: "2025-06-10 22:00", next: "2025-06-10 23:00", reason: ReasonWaitingForWindow}},

		// DST, daily 02:30 in Zurich.
		{name: "Zurich spring forward: 02:30 runs at 03:00", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			last: "2025-03-29 02:30", now: "2025-03-30 03:00",
			want: want{run: true, scheduled: "2025-03-30 03:00", next: "2025-03-31 02:30", reason: ReasonScheduled}},
		{name: "Zurich spring forward: before the gap it waits for 03:00", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			last: "2025-03-29 02:30", now: "2025-03-30 01:59",
			want: want{scheduled: "2025-03-30 03:00", next: "2025-03-30 03:00", reason: ReasonWaitingForSchedule}},
		{name: "Zurich fall back: first 02:30 runs", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			last: "2025-10-25 02:30", now: "2025-10-26 02:30 +0200",
			want: want{run: true, scheduled: "2025-10-26 02:30 +0200", next: "2025-10-27 02:30", reason: ReasonScheduled}},
		{name: "Zurich fall back: second 02:30 does not", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			last: "2025-10-26 02:30 +0200", now: "2025-10-26 02:30 +0100",
			want: want{scheduled: "2025-10-27 02:30", next: "2025-10-27 02:30", reason: ReasonWaitingForSchedule}},

		// DST in New York.
		{name: "New York spring forward: 02:30 runs at 03:00", cron: "30 2 * * *", zone: "America/New_York", start: "01:00", dur: "4h",
			last: "2025-03-08 02:30", now: "2025-03-09 03:00",
			want: want{run: true, scheduled: "2025-03-09 03:00", next: "2025-03-10 02:30", reason: ReasonScheduled}},
		{name: "New York fall back: second 01:30 does not run", cron: "30 1 * * *", zone: "America/New_York", start: "01:00", dur: "4h",
			last: "2025-11-02 01:30 -0400", now: "2025-11-02 01:30 -0500",
			want: want{scheduled: "2025-11-03 01:30", next: "2025-11-03 01:30", reason: ReasonWaitingForSchedule}},

		{name: "no fire time left", cron: "0 0 29 2 *", zone: "UTC",
			last: "2097-03-01 00:00", now: "2097-03-02 00:00",
			want: want{reason: ReasonNever}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, tc.cron, tc.zone, tc.start, tc.dur)
			got := s.Due(orZero(t, s.Loc, tc.last), local(t, s.Loc, tc.now))
			if got.Run != tc.want.run || got.Reason != tc.want.reason {
				t.Errorf("Run, Reason = %v, %q; want %v, %q", got.Run, got.Reason, tc.want.run, tc.want.reason)
			}
			sameInstant(t, "Scheduled", got.Scheduled, orZero(t, s.Loc, tc.want.scheduled), s.Loc)
			sameInstant(t, "Next", got.Next, orZero(t, s.Loc, tc.want.next), s.Loc)
		})
	}
}
