package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name                 string
		cron, tz, start, dur string
		wantLoc              string
		wantWindow           Window
	}{
		{name: "example policy", cron: "0 2 * * *", tz: "Europe/Zurich", start: "01:00", dur: "4h",
			wantLoc: "Europe/Zurich", wantWindow: Window{Start: time.Hour, Length: 4 * time.Hour}},
		{name: "no zone means UTC, no window", cron: "*/15 * * * *", wantLoc: "UTC"},
		{name: "window crossing midnight", cron: "0 23 * * 1-5", tz: "America/New_York", start: "23:30", dur: "4h30m",
			wantLoc: "America/New_York", wantWindow: Window{Start: 23*time.Hour + 30*time.Minute, Length: 270 * time.Minute}},
		{name: "whole-day window", cron: "0 0 * * *", start: "00:00", dur: "24h",
			wantLoc: "UTC", wantWindow: Window{Length: 24 * time.Hour}},
		{name: "29 February fires every four years", cron: "0 0 29 2 *", wantLoc: "UTC"},
		{name: "names and ranges", cron: "5 1-3 * jan-jun mon,fri", wantLoc: "UTC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cron, tc.tz, tc.start, tc.dur)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if s.Loc.String() != tc.wantLoc {
				t.Errorf("Loc = %v, want %v", s.Loc, tc.wantLoc)
			}
			if s.Window != tc.wantWindow {
				t.Errorf("Window = %+v, want %+v", s.Window, tc.wantWindow)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name                 string
		cron, tz, start, dur string
		want                 error
		wantInMsg            string // the offending value, quoted
	}{
		{name: "four fields", cron: "0 2 * *", want: ErrCron, wantInMsg: `"0 2 * *"`},
		{name: "six fields (seconds)", cron: "0 0 2 * * *", want: ErrCron, wantInMsg: `"0 0 2 * * *"`},
		{name: "descriptor", cron: "@daily", want: ErrCron, wantInMsg: `"@daily"`},
		{name: "every", cron: "@every 1h", want: ErrCron, wantInMsg: `"@every 1h"`},
		{name: "TZ prefix", cron: "TZ=UTC 0 2 * * *", want: ErrCron, wantInMsg: `"TZ=UTC 0 2 * * *"`},
		{name: "minute out of range", cron: "61 2 * * *", want: ErrCron, wantInMsg: `"61 2 * * *"`},
		{name: "garbage field", cron: "0 two * * *", want: ErrCron, wantInMsg: `"0 two * * *"`},
		{name: "never fires", cron: "0 0 30 2 *", want: ErrCron, wantInMsg: `"0 0 30 2 *"`},
		{name: "empty", cron: "", want: ErrCron, wantInMsg: `""`},
		{name: "unknown zone", cron: "0 2 * * *", tz: "Mars/Olympus_Mons", want: ErrTimeZone, wantInMsg: `"Mars/Olympus_Mons"`},
		{name: "host zone", cron: "0 2 * * *", tz: "Local", want: ErrTimeZone, wantInMsg: `"Local"`},
		{name: "start without duration", cron: "0 2 * * *", start: "01:00", want: ErrWindow, wantInMsg: `"01:00"`},
		{name: "duration without start", cron: "0 2 * * *", dur: "4h", want: ErrWindow, wantInMsg: `"4h"`},
		{name: "one-digit hour", cron: "0 2 * * *", start: "1:00", dur: "4h", want: ErrWindow, wantInMsg: `"1:00"`},
		{name: "hour 24", cron: "0 2 * * *", start: "24:00", dur: "4h", want: ErrWindow, wantInMsg: `"24:00"`},
		{name: "minute 60", cron: "0 2 * * *", start: "01:60", dur: "4h", want: ErrWindow, wantInMsg: `"01:60"`},
		{name: "not digits", cron: "0 2 * * *", start: "0a:00", dur: "4h", want: ErrWindow, wantInMsg: `"0a:00"`},
		{name: "seconds", cron: "0 2 * * *", start: "01:00:00", dur: "4h", want: ErrWindow, wantInMsg: `"01:00:00"`},
		{name: "bad duration", cron: "0 2 * * *", start: "01:00", dur: "4 hours", want: ErrWindow, wantInMsg: `"4 hours"`},
		{name: "zero duration", cron: "0 2 * * *", start: "01:00", dur: "0s", want: ErrWindow, wantInMsg: `"0s"`},
		{name: "negative duration", cron: "0 2 * * *", start: "01:00", dur: "-1h", want: ErrWindow, wantInMsg: `"-1h"`},
		{name: "longer than a day", cron: "0 2 * * *", start: "01:00", dur: "24h1s", want: ErrWindow, wantInMsg: `"24h1s"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cron, tc.tz, tc.start, tc.dur)
			if err == nil {
				t.Fatalf("New = %+v, want an error", s)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %q is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.wantInMsg) {
				t.Errorf("error %q does not name %s", err, tc.wantInMsg)
			}
		})
	}
}
