package retention

import (
	"testing"
	"time"
)

// BenchmarkPlan100k plans over 100,000 sets, hourly for ~11 years, in a DST zone with every
// rule set (target ≤ 100 ms per plan).
func BenchmarkPlan100k(b *testing.B) {
	loc := mustLoc(b, "Europe/Zurich")
	items := make([]Item, 100_000)
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range items {
		items[i] = Item{ID: "x", Time: start.Add(time.Duration(i) * time.Hour), Verified: i%10 != 0, Complete: true}
	}
	r := Rules{Last: 3, Hourly: 48, Daily: 14, Weekly: 8, Monthly: 12, Yearly: 3, Within: 48 * time.Hour, MinVerified: 2}
	b.ReportAllocs()
	for b.Loop() {
		res := Plan(items, r, loc)
		if len(res.Keep) == 0 {
			b.Fatal("nothing kept")
		}
	}
}
