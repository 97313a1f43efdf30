package retention

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
)

// resticHasOldest reports whether restic keeps the oldest snapshot while a bucket rule has
// counts left (restic 0.16 and later).
func resticHasOldest(t testing.TB, bin string) bool {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("restic version: %v", err)
	}
	m := regexp.MustCompile(`restic (\d+)\.(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("restic version: cannot read %q", out)
	}
	major, _ := strconv.Atoi(string(m[1]))
	minor, _ := strconv.Atoi(string(m[2]))
	t.Logf("restic %d.%d", major, minor)
	return major > 0 || minor >= 16
}

func resticArgs(r Rules) []string {
	args := []string{"forget", "--dry-run", "--json"}
	for _, f := range []struct {
		flag string
		n    int
	}{{"--keep-last", r.Last}, {"--keep-hourly", r.Hourly}, {"--keep-daily", r.Daily},
		{"--keep-weekly", r.Weekly}, {"--keep-monthly", r.Monthly}, {"--keep-yearly", r.Yearly}} {
		if f.n != 0 {
			args = append(args, f.flag, strconv.Itoa(f.n))
		}
	}
	for _, f := range []struct {
		flag string
		d    calendar.Duration
	}{{"--keep-within", r.Within}, {"--keep-within-hourly", r.WithinHourly}, {"--keep-within-daily", r.WithinDaily},
		{"--keep-within-weekly", r.WithinWeekly}, {"--keep-within-monthly", r.WithinMonthly}, {"--keep-within-yearly", r.WithinYearly}} {
		if !f.d.Zero() {
			args = append(args, f.flag, f.d.String())
		}
	}
	return args
}

// TestPlanMatchesRestic runs real `restic forget --dry-run --json` over random timestamp
// lists in several zones and compares the kept sets with Plan's.
func TestPlanMatchesRestic(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test against restic: skipped in -short")
	}
	bin := testtool.Require(t, "restic")
	opts := options{noOldest: !resticHasOldest(t, bin)}
	repo := newResticRepo(t, bin)

	zones := []string{"UTC", "Europe/Zurich", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"}
	rng := newRand(2024)
	type group struct {
		loc   *time.Location
		items []Item
	}
	groups := map[string]group{}
	for g := range 40 {
		loc := mustLoc(t, zones[g%len(zones)])
		host := fmt.Sprintf("h%02d", g)
		items := randomItems(rng, 2+rng.IntN(80))
		for i := range items {
			items[i].Time = items[i].Time.In(loc)
			repo.addSnapshot(t, host, items[i].Time)
		}
		groups[host] = group{loc, items}
	}
	for run := range 16 {
		r := randomRules(rng)
		out, err := repo.cmd(resticArgs(r)...).Output()
		if err != nil {
			t.Fatalf("restic %v: %v", resticArgs(r), err)
		}
		var res []struct {
			Host string `json:"host"`
			Keep []struct {
				Time time.Time `json:"time"`
			} `json:"keep"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("restic output: %v\n%.500s", err, out)
		}
		if len(res) != len(groups) {
			t.Fatalf("restic returned %d groups, want %d", len(res), len(groups))
		}
		for _, gr := range res {
			g, ok := groups[gr.Host]
			if !ok {
				t.Fatalf("restic returned unknown host %q", gr.Host)
			}
			var want []int64
			for _, k := range gr.Keep {
				want = append(want, k.Time.Unix())
			}
			slices.Sort(want)
			var got []int64
			for _, d := range plan(g.items, r, g.loc, opts).Keep {
				got = append(got, d.Time.Unix())
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("run %d rules %+v host %s (%s, %d sets): kept %d sets, restic %d\n ours:   %v\n restic: %v",
					run, r, gr.Host, g.loc, len(g.items), len(got), len(want), got, want)
			}
		}
	}
}
