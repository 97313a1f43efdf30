package schedule

import (
	"testing"
	"time"
)

// run is one backup started by the simulated loop.
type run struct{ at, scheduled time.Time }

// simulate plays the reconcile loop with a fake clock, asking Due every minute from from to
// to, except while the agent is down (down holds pairs of instants, [start, end)). It checks
// what must hold of every run: it starts inside a window, serves a fire time not after it
// and later than the previous run's, and, while the agent stays up, starts exactly at the
// Next the previous decision predicted.
func simulate(t *testing.T, s *Schedule, from, to time.Time, down ...time.Time) []run {
	t.Helper()
	var (
		runs      []run
		last      time.Time
		predicted time.Time // the Next of the previous decision, while the agent is up
	)
	isDown := func(at time.Time) bool {
		for i := 0; i+1 < len(down); i += 2 {
			if !at.Before(down[i]) && at.Before(down[i+1]) {
				return true
			}
		}
		return false
	}
	for now := from; now.Before(to); now = now.Add(time.Minute) {
		if isDown(now) {
			predicted = time.Time{}
			continue
		}
		d := s.Due(last, now)
		if !d.Run {
			if now.Equal(predicted) {
				t.Errorf("%v: no run at the predicted %v (%s)", show(now, s.Loc), show(predicted, s.Loc), d.Reason)
			}
			if !predicted.IsZero() && !d.Next.Equal(predicted) && predicted.After(now) {
				t.Errorf("%v: Next moved from %v to %v (%s)", show(now, s.Loc), show(predicted, s.Loc), show(d.Next, s.Loc), d.Reason)
			}
			predicted = d.Next
			continue
		}
		if !predicted.IsZero() && !now.Equal(predicted) {
			t.Errorf("%v: run, but %v was predicted", show(now, s.Loc), show(predicted, s.Loc))
		}
		if !s.InWindow(now) {
			t.Errorf("%v: run outside the window", show(now, s.Loc))
		}
		if d.Scheduled.After(now) || len(runs) > 0 && !d.Scheduled.After(runs[len(runs)-1].scheduled) {
			t.Errorf("%v: run for fire time %v", show(now, s.Loc), show(d.Scheduled, s.Loc))
		}
		runs = append(runs, run{at: now, scheduled: d.Scheduled})
		last, predicted = now, d.Next
	}
	return runs
}

func runTimes(runs []run, loc *time.Location) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = show(r.at, loc)
	}
	return out
}

func TestSimulatedRuns(t *testing.T) {
	tests := []struct {
		name, cron, zone, start, dur string
		from, to                     string   // local
		down                         []string // local pairs [start, end)
		want                         []string // run times, as show prints them
	}{
		{name: "Zurich daily 02:30 across spring forward", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			from: "2025-03-28 12:00", to: "2025-04-01 12:00",
			want: []string{"2025-03-29 02:30:00 CET", "2025-03-30 03:00:00 CEST", "2025-03-31 02:30:00 CEST", "2025-04-01 02:30:00 CEST"}},
		{name: "Zurich daily 02:30 across fall back: once", cron: "30 2 * * *", zone: "Europe/Zurich", start: "01:00", dur: "4h",
			from: "2025-10-24 12:00", to: "2025-10-28 12:00",
			want: []string{"2025-10-25 02:30:00 CEST", "2025-10-26 02:30:00 CEST", "2025-10-27 02:30:00 CET", "2025-10-28 02:30:00 CET"}},
		{name: "New York daily 02:30 across spring forward", cron: "30 2 * * *", zone: "America/New_York", start: "01:00", dur: "4h",
			from: "2025-03-08 00:00", to: "2025-03-10 12:00",
			want: []string{"2025-03-08 02:30:00 EST", "2025-03-09 03:00:00 EDT", "2025-03-10 02:30:00 EDT"}},
		{name: "New York daily 01:30 across fall back: once", cron: "30 1 * * *", zone: "America/New_York", start: "01:00", dur: "4h",
			from: "2025-11-01 00:00", to: "2025-11-03 12:00",
			want: []string{"2025-11-01 01:30:00 EDT", "2025-11-02 01:30:00 EDT", "2025-11-03 01:30:00 EST"}},
		{name: "Zurich hourly in a 23:00–03:00 window across fall back", cron: "0 * * * *", zone: "Europe/Zurich", start: "23:00", dur: "4h",
			from: "2025-10-25 22:30", to: "2025-10-26 12:00",
			want: []string{"2025-10-25 23:00:00 CEST", "2025-10-26 00:00:00 CEST", "2025-10-26 01:00:00 CEST", "2025-10-26 02:00:00 CEST"}},
		{name: "daily, down 3 days, back at 01:30 inside the window: one run at 02:00", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			from: "2025-06-01 12:00", to: "2025-06-05 12:00", down: []string{"2025-06-01 13:00", "2025-06-04 01:30"},
			want: []string{"2025-06-04 02:00:00 UTC", "2025-06-05 02:00:00 UTC"}},
		{name: "daily, down 3 days, back at 03:00 inside the window: one run at once", cron: "0 2 * * *", zone: "UTC", start: "01:00", dur: "4h",
			from: "2025-06-01 12:00", to: "2025-06-05 12:00", down: []string{"2025-06-01 13:00", "2025-06-04 03:00"},
			want: []string{"2025-06-04 03:00:00 UTC", "2025-06-05 02:00:00 UTC"}},
		{name: "hourly, down 10 hours: one run on return", cron: "0 * * * *", zone: "UTC",
			from: "2025-06-01 00:30", to: "2025-06-01 13:30", down: []string{"2025-06-01 01:30", "2025-06-01 11:40"},
			// Never run before: the 00:00 fire time runs at once.
			want: []string{"2025-06-01 00:30:00 UTC", "2025-06-01 01:00:00 UTC", "2025-06-01 11:40:00 UTC", "2025-06-01 12:00:00 UTC", "2025-06-01 13:00:00 UTC"}},
		{name: "twice a day, 06:00 outside the window", cron: "0 2,6 * * *", zone: "UTC", start: "01:00", dur: "4h",
			from: "2025-06-01 12:00", to: "2025-06-03 12:00",
			want: []string{"2025-06-02 01:00:00 UTC", "2025-06-02 02:00:00 UTC", "2025-06-03 01:00:00 UTC", "2025-06-03 02:00:00 UTC"}},
		{name: "weekly, missed Sunday catches up in Tuesday's window", cron: "0 2 * * 0", zone: "UTC", start: "01:00", dur: "4h",
			from: "2025-06-07 12:00", to: "2025-06-16 12:00", down: []string{"2025-06-07 13:00", "2025-06-09 10:00"},
			want: []string{"2025-06-10 01:00:00 UTC", "2025-06-15 02:00:00 UTC"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, tc.cron, tc.zone, tc.start, tc.dur)
			var down []time.Time
			for _, d := range tc.down {
				down = append(down, local(t, s.Loc, d))
			}
			got := runTimes(simulate(t, s, local(t, s.Loc, tc.from), local(t, s.Loc, tc.to), down...), s.Loc)
			if len(got) != len(tc.want) {
				t.Fatalf("runs at\n%q\nwant\n%q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("run %d at %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}
