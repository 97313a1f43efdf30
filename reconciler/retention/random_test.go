package retention

import (
	"fmt"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
	"math/rand/v2"
	"time"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// randomItems returns n complete, verified items with distinct whole-second times between
// 2019 and 2024, clustered at several scales (minutes to years) so every bucket rule matters.
func randomItems(rng *rand.Rand, n int) []Item {
	base := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	spans := []time.Duration{6 * time.Hour, 3 * 24 * time.Hour, 60 * 24 * time.Hour, 4 * 365 * 24 * time.Hour}
	span := spans[rng.IntN(len(spans))]
	start := base.Add(time.Duration(rng.Int64N(int64(5*365*24*time.Hour - span))))
	seen := map[int64]bool{}
	var out []Item
	for len(out) < n {
		t := start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second)
		if seen[t.Unix()] {
			continue
		}
		seen[t.Unix()] = true
		out = append(out, Item{ID: fmt.Sprint(t.Unix()), Time: t, Verified: true, Complete: true})
	}
	return out
}

func randomRules(rng *rand.Rand) Rules {
	pick := func() int {
		if rng.IntN(2) == 0 {
			return 0
		}
		return 1 + rng.IntN(10)
	}
	r := Rules{Last: pick(), Hourly: pick(), Daily: pick(), Weekly: pick(), Monthly: pick(), Yearly: pick(), MinVerified: 1}
	if rng.IntN(3) == 0 {
		r.Within = randomSpan(rng)
	}
	for _, w := range []*calendar.Duration{&r.WithinHourly, &r.WithinDaily, &r.WithinWeekly, &r.WithinMonthly, &r.WithinYearly} {
		if rng.IntN(4) == 0 {
			*w = randomSpan(rng)
		}
	}
	if r.Empty() {
		r.Daily = 3
	}
	return r
}

// randomSpan returns a keep-within duration using one to four of restic's units, so that
// calendar months and years (month ends, leap days) are exercised as well as hours.
func randomSpan(rng *rand.Rand) calendar.Duration {
	var d calendar.Duration
	for d.Zero() {
		if rng.IntN(2) == 0 {
			d.Years = rng.IntN(3)
		}
		if rng.IntN(2) == 0 {
			d.Months = rng.IntN(14)
		}
		if rng.IntN(2) == 0 {
			d.Days = rng.IntN(40)
		}
		if rng.IntN(2) == 0 {
			d.Hours = rng.IntN(2000)
		}
	}
	return d
}
