package retention

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
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
	r := Rules{Last: 3, Hourly: 48, Daily: 14, Weekly: 8, Monthly: 12, Yearly: 3, Within: calendar.Duration{Hours: 48}, MinVerified: 2}
	b.ReportAllocs()
	for b.Loop() {
		res := Plan(items, r, loc)
		if len(res.Keep) == 0 {
			b.Fatal("nothing kept")
		}
	}
}

// BenchmarkResticForget times real `restic forget --dry-run --json` (a process, including its
// key derivation) and Plan on the same timestamps (VK_BENCH_SNAPSHOTS, default 10,000, hourly
// in one group), checks they keep the same sets, and reports both as restic-ms and ours-ms.
func BenchmarkResticForget(b *testing.B) {
	bin := testtool.Require(b, "restic")
	opts := options{noOldest: !resticHasOldest(b, bin)}
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("VK_BENCH_SNAPSHOTS")); err == nil && v > 0 {
		n = v
	}
	repo := newResticRepo(b, bin)
	loc := mustLoc(b, "Europe/Zurich")
	items := make([]Item, n)
	start := time.Date(2020, 1, 1, 0, 30, 0, 0, loc)
	for i := range items {
		items[i] = Item{ID: strconv.Itoa(i), Time: start.Add(time.Duration(i) * time.Hour), Verified: true, Complete: true}
		repo.addSnapshot(b, "bench", items[i].Time)
	}
	r := Rules{Last: 3, Hourly: 48, Daily: 14, Weekly: 8, Monthly: 12, Yearly: 3, Within: calendar.Duration{Hours: 48}, MinVerified: 1}
	var resticD, oursD time.Duration
	for b.Loop() {
		t0 := time.Now()
		out, err := repo.cmd(resticArgs(r)...).Output()
		resticD += time.Since(t0)
		if err != nil {
			b.Fatalf("restic forget: %v", err)
		}
		t1 := time.Now()
		res := plan(items, r, loc, opts)
		oursD += time.Since(t1)
		var groups []struct {
			Keep []struct {
				Time time.Time `json:"time"`
			} `json:"keep"`
		}
		if err := json.Unmarshal(out, &groups); err != nil || len(groups) != 1 {
			b.Fatalf("restic output: %v (%d groups)", err, len(groups))
		}
		if len(groups[0].Keep) != len(res.Keep) {
			b.Fatalf("restic keeps %d, Plan %d", len(groups[0].Keep), len(res.Keep))
		}
		for i, k := range groups[0].Keep {
			if !k.Time.Equal(res.Keep[i].Time) {
				b.Fatalf("kept #%d: restic %v, Plan %v", i, k.Time, res.Keep[i].Time)
			}
		}
	}
	b.ReportMetric(float64(resticD.Microseconds())/1000/float64(b.N), "restic-ms")
	b.ReportMetric(float64(oursD.Microseconds())/1000/float64(b.N), "ours-ms")
}
