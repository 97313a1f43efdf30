package retention

import (
	"slices"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// good makes complete, verified items named by their RFC 3339 time.
func good(times ...string) []Item {
	var out []Item
	for _, s := range times {
		out = append(out, Item{ID: s, Time: utc(s), Verified: true, Complete: true})
	}
	return out
}

func ids(ds []Decision) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func reasonsOf(res Result) map[string][]string {
	m := map[string][]string{}
	for _, d := range append(slices.Clone(res.Keep), res.Remove...) {
		m[d.ID] = d.Reasons
	}
	return m
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		items   []Item
		rules   Rules
		zone    string
		keep    []string            // newest first
		reasons map[string][]string // checked for the ids it names
	}{
		{
			name:    "no rules keeps everything",
			items:   good("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"),
			keep:    []string{"2024-01-02T00:00:00Z", "2024-01-01T00:00:00Z"},
			reasons: map[string][]string{"2024-01-01T00:00:00Z": {"no-rules"}},
		},
		{
			name:  "keep last 2 of 4, counts used up so the oldest goes",
			items: good("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z"),
			rules: Rules{Last: 2},
			keep:  []string{"2024-01-04T00:00:00Z", "2024-01-03T00:00:00Z"},
			reasons: map[string][]string{
				"2024-01-04T00:00:00Z": {"last"},
				"2024-01-01T00:00:00Z": {"last"},
			},
		},
		{
			name:  "daily with counts left keeps the oldest too",
			items: good("2024-01-01T08:00:00Z", "2024-01-01T20:00:00Z", "2024-01-02T08:00:00Z", "2024-01-02T20:00:00Z"),
			rules: Rules{Daily: 5},
			keep:  []string{"2024-01-02T20:00:00Z", "2024-01-01T20:00:00Z", "2024-01-01T08:00:00Z"},
			reasons: map[string][]string{
				"2024-01-01T08:00:00Z": {"daily"},
				"2024-01-02T08:00:00Z": {"daily"},
			},
		},
		{
			name:  "rules are ORed and reasons listed in restic's order",
			items: good("2024-01-31T10:00:00Z", "2024-02-01T10:00:00Z", "2024-02-01T11:00:00Z"),
			rules: Rules{Last: 1, Daily: 2, Monthly: 2},
			keep:  []string{"2024-02-01T11:00:00Z", "2024-01-31T10:00:00Z"},
			reasons: map[string][]string{
				"2024-02-01T11:00:00Z": {"last", "daily", "monthly"},
				"2024-01-31T10:00:00Z": {"daily", "monthly"},
				"2024-02-01T10:00:00Z": {"last", "daily", "monthly"},
			},
		},
		{
			name:  "within is strict and counted from the newest set",
			items: good("2024-01-10T00:00:00Z", "2024-01-08T01:00:00Z", "2024-01-08T00:00:00Z", "2024-01-07T23:00:00Z"),
			rules: Rules{Within: calendar.Duration{Hours: 48}},
			keep:  []string{"2024-01-10T00:00:00Z", "2024-01-08T01:00:00Z"},
			reasons: map[string][]string{
				"2024-01-08T01:00:00Z": {"within"},
				"2024-01-08T00:00:00Z": {"within"},
			},
		},
		{
			// restic's --keep-within-daily 2d: the newest set of each day after the cutoff
			// (newest minus two calendar days), no count; older days are not kept by it.
			name:  "within-daily keeps the newest of each day inside the span",
			items: good("2024-01-10T12:00:00Z", "2024-01-10T08:00:00Z", "2024-01-09T23:00:00Z", "2024-01-08T12:00:00Z", "2024-01-08T12:00:01Z", "2024-01-07T00:00:00Z"),
			rules: Rules{WithinDaily: calendar.Duration{Days: 2}},
			keep:  []string{"2024-01-10T12:00:00Z", "2024-01-09T23:00:00Z", "2024-01-08T12:00:01Z"},
			reasons: map[string][]string{
				"2024-01-10T12:00:00Z": {"within-daily"},
				"2024-01-08T12:00:01Z": {"within-daily"},
				"2024-01-08T12:00:00Z": {"within-daily"},
			},
		},
		{
			name:  "negative count keeps every bucket",
			items: good("2024-01-01T08:00:00Z", "2024-01-02T08:00:00Z", "2024-01-02T09:00:00Z", "2024-01-03T08:00:00Z"),
			rules: Rules{Daily: -1},
			keep:  []string{"2024-01-03T08:00:00Z", "2024-01-02T09:00:00Z", "2024-01-01T08:00:00Z"},
		},
		{
			name: "Zurich autumn DST: two 02:30 share one local hour",
			// 00:30Z = 02:30 CEST, 01:30Z = 02:30 CET, 02:30Z = 03:30 CET.
			items: good("2021-10-30T20:00:00Z", "2021-10-31T00:30:00Z", "2021-10-31T01:30:00Z", "2021-10-31T02:30:00Z"),
			rules: Rules{Hourly: 3},
			zone:  "Europe/Zurich",
			keep:  []string{"2021-10-31T02:30:00Z", "2021-10-31T01:30:00Z", "2021-10-30T20:00:00Z"},
		},
		{
			name:  "same sets in UTC: four distinct hours",
			items: good("2021-10-30T20:00:00Z", "2021-10-31T00:30:00Z", "2021-10-31T01:30:00Z", "2021-10-31T02:30:00Z"),
			rules: Rules{Hourly: 3},
			zone:  "UTC",
			keep:  []string{"2021-10-31T02:30:00Z", "2021-10-31T01:30:00Z", "2021-10-31T00:30:00Z"},
		},
		{
			name:  "Zurich spring DST: 01:30 CET and 03:30 CEST are one day, two hours",
			items: good("2021-03-27T12:00:00Z", "2021-03-28T00:30:00Z", "2021-03-28T01:30:00Z"),
			rules: Rules{Daily: 1, Hourly: 2},
			zone:  "Europe/Zurich",
			keep:  []string{"2021-03-28T01:30:00Z", "2021-03-28T00:30:00Z"},
			reasons: map[string][]string{
				"2021-03-28T01:30:00Z": {"hourly", "daily"},
				"2021-03-28T00:30:00Z": {"hourly"},
			},
		},
		{
			name:  "New York autumn DST: 01:30 EDT and 01:30 EST share an hour",
			items: good("2021-11-06T12:00:00Z", "2021-11-07T05:30:00Z", "2021-11-07T06:30:00Z", "2021-11-07T07:30:00Z"),
			rules: Rules{Hourly: 3},
			zone:  "America/New_York",
			keep:  []string{"2021-11-07T07:30:00Z", "2021-11-07T06:30:00Z", "2021-11-06T12:00:00Z"},
		},
		{
			name: "New York spring DST: local midnight splits what UTC joins",
			// 04:30Z = 23:30 EST on the 13th; 05:30Z = 00:30 EST on the 14th; 07:30Z = 03:30 EDT.
			items: good("2021-03-14T04:30:00Z", "2021-03-14T05:30:00Z", "2021-03-14T07:30:00Z", "2021-03-12T12:00:00Z"),
			rules: Rules{Daily: 2},
			zone:  "America/New_York",
			keep:  []string{"2021-03-14T07:30:00Z", "2021-03-14T04:30:00Z"},
		},
		{
			name:  "same in UTC: the three are one day",
			items: good("2021-03-14T04:30:00Z", "2021-03-14T05:30:00Z", "2021-03-14T07:30:00Z", "2021-03-12T12:00:00Z"),
			rules: Rules{Daily: 2},
			keep:  []string{"2021-03-14T07:30:00Z", "2021-03-12T12:00:00Z"},
		},
		{
			name: "ISO week 2020-W53 spans the new year",
			// 2020-12-28 and 2021-01-03 are both 2020-W53; 2021-01-04 is 2021-W01.
			items: good("2020-12-20T12:00:00Z", "2020-12-28T12:00:00Z", "2021-01-03T12:00:00Z", "2021-01-04T12:00:00Z"),
			rules: Rules{Weekly: 2},
			keep:  []string{"2021-01-04T12:00:00Z", "2021-01-03T12:00:00Z"},
		},
		{
			name:  "2024-12-30 belongs to ISO year 2025",
			items: good("2024-12-22T12:00:00Z", "2024-12-29T12:00:00Z", "2024-12-30T12:00:00Z", "2025-01-05T12:00:00Z"),
			rules: Rules{Weekly: 2, Yearly: 1},
			keep:  []string{"2025-01-05T12:00:00Z", "2024-12-29T12:00:00Z"},
			reasons: map[string][]string{
				"2025-01-05T12:00:00Z": {"weekly", "yearly"},
				"2024-12-29T12:00:00Z": {"weekly"},
			},
		},
		{
			name: "zone moves a set into the next ISO week",
			// 2021-01-03T23:30Z is Sunday (2020-W53) in UTC, Monday 00:30 (2021-W01) in Zurich.
			items: good("2021-01-02T12:00:00Z", "2021-01-03T23:30:00Z", "2021-01-04T12:00:00Z"),
			rules: Rules{Weekly: 1, Last: 1},
			zone:  "Europe/Zurich",
			keep:  []string{"2021-01-04T12:00:00Z"},
		},
		{
			name:  "same in UTC keeps the Sunday set as a second week",
			items: good("2021-01-02T12:00:00Z", "2021-01-03T23:30:00Z", "2021-01-04T12:00:00Z"),
			rules: Rules{Weekly: 2},
			keep:  []string{"2021-01-04T12:00:00Z", "2021-01-03T23:30:00Z"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loc := time.UTC
			if tc.zone != "" {
				loc = mustLoc(t, tc.zone)
			}
			res := Plan(tc.items, tc.rules, loc)
			if got := ids(res.Keep); !slices.Equal(got, tc.keep) {
				t.Errorf("keep = %v, want %v", got, tc.keep)
			}
			if len(res.Keep)+len(res.Remove) != len(tc.items) {
				t.Errorf("keep %d + remove %d != %d items", len(res.Keep), len(res.Remove), len(tc.items))
			}
			got := reasonsOf(res)
			for id, want := range tc.reasons {
				if !slices.Equal(got[id], want) {
					t.Errorf("reasons of %s = %v, want %v", id, got[id], want)
				}
			}
		})
	}
}
