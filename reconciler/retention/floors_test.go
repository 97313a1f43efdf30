package retention

import (
	"slices"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
)

func TestPlanFloors(t *testing.T) {
	day := func(d int, verified, complete bool) Item {
		tm := time.Date(2024, 3, d, 2, 0, 0, 0, time.UTC)
		return Item{ID: tm.Format("0102"), Time: tm, Verified: verified, Complete: complete}
	}
	tests := []struct {
		name    string
		items   []Item
		rules   Rules
		keep    []string
		reasons map[string][]string
	}{
		{
			name:  "unverified sets do not use up keep-last",
			items: []Item{day(1, true, true), day(2, true, true), day(3, false, true), day(4, false, true)},
			rules: Rules{Last: 1},
			keep:  []string{"0304", "0303", "0302"},
			reasons: map[string][]string{
				"0304": {"newer-than-verified"}, "0302": {"last"}, "0301": {"last"},
			},
		},
		{
			name:  "unverified and incomplete sets older than the newest verified go",
			items: []Item{day(1, false, true), day(2, true, false), day(3, true, true), day(4, true, true)},
			rules: Rules{Last: 2},
			keep:  []string{"0304", "0303"},
			reasons: map[string][]string{
				"0301": {"unverified", "older-than-newest-verified"},
				"0302": {"incomplete", "older-than-newest-verified"},
			},
		},
		{
			name:  "min verified reaches back past the rules",
			items: []Item{day(1, true, true), day(2, false, true), day(3, true, true), day(4, true, true), day(5, true, true)},
			rules: Rules{Last: 1, MinVerified: 3},
			keep:  []string{"0305", "0304", "0303"},
			reasons: map[string][]string{
				"0305": {"last"}, "0304": {"min-verified"}, "0303": {"min-verified"},
				"0301": {"last"},
			},
		},
		{
			name:  "min verified larger than the verified sets keeps them all",
			items: []Item{day(1, true, true), day(2, true, true), day(3, false, false)},
			rules: Rules{Last: 1, MinVerified: 5},
			keep:  []string{"0303", "0302", "0301"},
		},
		{
			name:    "no verified set: nothing is removed",
			items:   []Item{day(1, false, true), day(2, false, false), day(3, false, true)},
			rules:   Rules{Last: 1},
			keep:    []string{"0303", "0302", "0301"},
			reasons: map[string][]string{"0301": {"no-verified-set"}},
		},
		{
			name:    "within counts from the newest verified set, not a newer unverified one",
			items:   []Item{day(1, true, true), day(2, true, true), day(10, false, true)},
			rules:   Rules{Within: calendar.Duration{Hours: 30}},
			keep:    []string{"0310", "0302", "0301"},
			reasons: map[string][]string{"0301": {"within"}},
		},
		{
			name:  "empty input",
			items: nil,
			rules: Rules{Last: 3},
			keep:  []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Plan(tc.items, tc.rules, time.UTC)
			if got := ids(res.Keep); !slices.Equal(got, tc.keep) {
				t.Errorf("keep = %v, want %v", got, tc.keep)
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

// TestPlanInvariants checks the floors on random inputs.
func TestPlanInvariants(t *testing.T) {
	rng := newRand(7)
	for n := range 500 {
		items := randomItems(rng, 1+rng.IntN(60))
		for i := range items {
			items[i].Verified = rng.IntN(4) != 0
			items[i].Complete = rng.IntN(8) != 0
		}
		r := randomRules(rng)
		r.MinVerified = rng.IntN(5)
		res := Plan(items, r, time.UTC)
		kept := map[string]bool{}
		verifiedKept, verifiedAll := 0, 0
		var newest *Item
		for i := range items {
			if items[i].Verified && items[i].Complete {
				verifiedAll++
				if newest == nil || items[i].Time.After(newest.Time) {
					newest = &items[i]
				}
			}
		}
		for _, d := range res.Keep {
			kept[d.ID] = true
			if len(d.Reasons) == 0 {
				t.Fatalf("case %d: kept %s without a reason", n, d.ID)
			}
			if d.Verified && d.Complete {
				verifiedKept++
			}
		}
		for _, d := range res.Remove {
			if len(d.Reasons) == 0 {
				t.Fatalf("case %d: removed %s without a reason", n, d.ID)
			}
		}
		if want := min(max(r.MinVerified, 1), verifiedAll); verifiedKept < want {
			t.Fatalf("case %d: %d verified sets kept, want at least %d", n, verifiedKept, want)
		}
		if newest != nil && !kept[newest.ID] {
			t.Fatalf("case %d: newest verified set %s removed", n, newest.ID)
		}
		for _, it := range items {
			if (newest == nil || it.Time.After(newest.Time)) && !kept[it.ID] {
				t.Fatalf("case %d: set %s newer than every verified set removed", n, it.ID)
			}
		}
	}
}
