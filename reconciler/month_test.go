package reconciler

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/retention"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// simManifests: aes-prod is backed up hourly without a window, aes-dev daily at 02:30 inside
// a 01:00–05:00 window. Both in Europe/Zurich, whose clocks go back on 2026-10-25.
var simManifests = "\n" + simServer("aes-prod", "XE", false) + "---\n" + simServer("aes-dev", "XE", false) + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: prod-hourly}
spec:
  server: aes-prod
  schedule: "0 * * * *"
  timeZone: Europe/Zurich
  destination: '@ROOT@/backups'
  retention: {keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 2, minVerified: 2}
  maxAge: 2h
---
apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: dev-daily}
spec:
  server: aes-dev
  schedule: "30 2 * * *"
  timeZone: Europe/Zurich
  window: {start: "01:00", duration: 4h}
  destination: '@ROOT@/backups'
  retention: {keepLast: 3, keepDaily: 10}
  maxAge: 26h
`

// simRun is one backup run as the fake host saw it.
type simRun struct {
	Stop  time.Time // when IIS was stopped: the run's start
	SetID string
}

// runsOf checks that the host's events come in whole runs in the runbook's order (stop IIS,
// avbackup, export, start IIS) and returns the runs.
func runsOf(t *testing.T, name string, ev []hostEvent) []simRun {
	t.Helper()
	want := []string{"stop-iis", "avbackup", "export", "start-iis"}
	var runs []simRun
	for i := 0; i < len(ev); i += len(want) {
		if i+len(want) > len(ev) {
			t.Fatalf("%s: events end mid-run: %+v", name, ev[i:])
		}
		for k, op := range want {
			if e := ev[i+k]; e.Op != op || e.Err != nil {
				t.Fatalf("%s: event %d is %s (err %v), want %s: %+v", name, i+k, e.Op, e.Err, op, ev[i:i+len(want)])
			}
		}
		id := setIDOf(ev[i+1].Path)
		if setIDOf(ev[i+2].Path) != id || id != catalog.SetID(ev[i].At) {
			t.Fatalf("%s: run at %s wrote %s and %s", name, ev[i].At, ev[i+1].Path, ev[i+2].Path)
		}
		runs = append(runs, simRun{Stop: ev[i].At, SetID: id})
	}
	return runs
}

// fireTimes lists, independently of package schedule, the fire times in (from, to] of a
// schedule that fires when match(wall clock in loc) holds, per the documented DST rule: a
// wall time that occurs twice fires only at its first occurrence. Only whole-minute
// instants are visited, and Europe/Zurich has no gaps in the period simulated.
func fireTimes(from, to time.Time, loc *time.Location, match func(w time.Time) bool) []time.Time {
	seen := map[string]bool{}
	var out []time.Time
	for t := from.Truncate(time.Minute).Add(-48 * time.Hour); !t.After(to); t = t.Add(time.Minute) {
		w := t.In(loc)
		if !match(w) {
			continue
		}
		key := w.Format("2006-01-02 15:04")
		if seen[key] {
			continue // the repeated hour of a fall-back
		}
		seen[key] = true
		if t.After(from) {
			out = append(out, t)
		}
	}
	return out
}

// latestAtOrBefore returns the latest of times (sorted) not after t.
func latestAtOrBefore(times []time.Time, t time.Time) (time.Time, bool) {
	i, found := slices.BinarySearchFunc(times, t, func(a, b time.Time) int { return a.Compare(b) })
	if found {
		return times[i], true
	}
	if i == 0 {
		return time.Time{}, false
	}
	return times[i-1], true
}

func TestSimulatedMonth(t *testing.T) {
	began := time.Now()
	goroutines, fds := runtime.NumGoroutine(), openFDs()
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	const step = 15 * time.Minute
	const verifyEvery = 168 * time.Hour // the default verify.interval
	start := time.Date(2026, 10, 1, 0, 5, 0, 0, zurich)
	end := start.AddDate(0, 0, 31) // 2026-11-01 00:05, past the fall-back of 2026-10-25
	downFrom := time.Date(2026, 10, 12, 4, 5, 0, 0, zurich)
	downTo := downFrom.AddDate(0, 0, 3) // the agent is down for three days
	if os.Getenv("VAULTKEEPER_SOAK") != "1" {
		// make test: nine days that still hold a day of downtime, the fall-back of 2026-10-25
		// and re-verifications past verify.interval; make soak runs the whole month.
		start = time.Date(2026, 10, 17, 0, 5, 0, 0, zurich)
		end = start.AddDate(0, 0, 9)
		downFrom = time.Date(2026, 10, 19, 4, 5, 0, 0, zurich)
		downTo = downFrom.AddDate(0, 0, 1)
	}

	s := newSim(t, simManifests, start)
	steps := 0
	for at := start; !at.After(end); at = at.Add(step) {
		if at.After(downFrom) && at.Before(downTo) {
			continue
		}
		if at.Equal(downTo) {
			s.start() // a new agent process on the same state dir
		}
		s.step(at)
		steps++
	}
	simulated := time.Since(began)

	dest := filepath.Join(s.root, "backups")
	policies := []struct {
		name, server string
		rules        retention.Rules
		match        func(w time.Time) bool
		window       bool
	}{
		{"prod-hourly", "aes-prod", retention.Rules{Hourly: 24, Daily: 7, Weekly: 4, Monthly: 2, MinVerified: 2},
			func(w time.Time) bool { return w.Minute() == 0 }, false},
		{"dev-daily", "aes-dev", retention.Rules{Last: 3, Daily: 10, MinVerified: 1},
			func(w time.Time) bool { return w.Hour() == 2 && w.Minute() == 30 }, true},
	}
	cat, problems, err := catalog.Scan(context.Background(), []catalog.Root{
		{Policy: "prod-hourly", Destination: dest}, {Policy: "dev-daily", Destination: dest}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("catalog problem: %s", p)
	}
	st := s.store.Snapshot()
	for _, pol := range policies {
		h := s.hosts.Host(pol.server)
		runs := runsOf(t, h.Name, h.Events())
		fires := fireTimes(start.Add(-step), end, zurich, pol.match)

		// Exactly one run per fire time, none for the fire times of the downtime but the
		// latest (one catch-up), each soon after its fire time.
		var want []time.Time
		var catchUp time.Time
		for _, f := range fires {
			if f.After(downFrom) && !f.After(downTo) {
				catchUp = f
				continue
			}
			want = append(want, f)
		}
		want = append(want, catchUp)
		slices.SortFunc(want, func(a, b time.Time) int { return a.Compare(b) })
		var got []time.Time
		for _, r := range runs {
			f, ok := latestAtOrBefore(fires, r.Stop)
			if !ok {
				t.Errorf("%s: run at %s has no fire time before it", pol.name, r.Stop)
				continue
			}
			got = append(got, f)
			lag := r.Stop.Sub(f)
			switch {
			case f.Equal(catchUp):
				if !r.Stop.Equal(downTo) {
					t.Errorf("%s: catch-up of %s ran at %s, want at restart %s", pol.name, f, r.Stop, downTo)
				}
			case lag < 0 || lag >= step:
				t.Errorf("%s: fire time %s ran at %s (%s late)", pol.name, f.In(zurich), r.Stop.In(zurich), lag)
			}
			if pol.window {
				w := r.Stop.In(zurich)
				if w.Hour() < 1 || w.Hour() >= 5 {
					t.Errorf("%s: IIS stopped at %s, outside the 01:00–05:00 window", pol.name, w)
				}
			}
		}
		if !slices.EqualFunc(got, want, func(a, b time.Time) bool { return a.Equal(b) }) {
			t.Errorf("%s: %d runs for fire times\n%v\nwant %d\n%v", pol.name, len(got), fmtTimes(got, zurich), len(want), fmtTimes(want, zurich))
		}
		after := 0
		for _, r := range runs {
			if !r.Stop.Before(downTo) && r.Stop.Before(nextAfter(fires, downTo)) {
				after++
			}
		}
		if after != 1 {
			t.Errorf("%s: %d runs between the restart at %s and the next fire time, want 1 catch-up", pol.name, after, downTo)
		}

		// The fall-back day: the hourly policy runs 24 times (its repeated 02:00 hour has no
		// fire time of its own), the daily one once, at 02:30 CEST.
		dst := 0
		for _, r := range runs {
			if w := r.Stop.In(zurich); w.Year() == 2026 && w.Month() == 10 && w.Day() == 25 {
				dst++
				if !pol.window {
					continue
				}
				if _, off := w.Zone(); off != 2*3600 || w.Hour() != 2 {
					t.Errorf("%s: fall-back day run at %s, want 02:35 CEST", pol.name, w)
				}
			}
		}
		if wantDST := map[bool]int{false: 24, true: 1}[pol.window]; dst != wantDST {
			t.Errorf("%s: %d runs on 2026-10-25, want %d", pol.name, dst, wantDST)
		}

		// The catalog holds exactly what retention keeps of every set ever made, all verified.
		var items []retention.Item
		for _, r := range runs {
			tm, err := catalog.ParseSetID(r.SetID)
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, retention.Item{ID: r.SetID, Time: tm, Verified: true, Complete: true})
		}
		plan := retention.Plan(items, pol.rules, zurich)
		var wantIDs, gotIDs []string
		for _, d := range plan.Keep {
			wantIDs = append(wantIDs, d.ID)
		}
		var size int64
		reverified := 0
		for _, set := range cat.SetsIn(dest, pol.server, pol.name) {
			gotIDs = append(gotIDs, set.ID)
			if !set.Complete() || !set.Verified() {
				t.Errorf("%s: set %s complete=%v verified=%v", pol.name, set.ID, set.Complete(), set.Verified())
			}
			// verify.interval (168h by default) re-verifies kept sets on the simulated clock.
			if lv := set.Meta.LastVerified(); end.Sub(lv) >= verifyEvery+step {
				t.Errorf("%s: set %s last verified %s, more than %s before %s", pol.name, set.ID, lv, verifyEvery, end)
			}
			if l1 := countLevel(set.Meta, catalog.LevelL1); end.Sub(set.Time) >= verifyEvery+step && l1 < 2 {
				t.Errorf("%s: set %s of %s verified %d time(s), never re-verified", pol.name, set.ID, set.Time, l1)
			}
			reverified += countLevel(set.Meta, catalog.LevelL1) - 1
			size = 0
			for _, f := range set.Meta.Files {
				size += f.Size
			}
		}
		slices.Sort(wantIDs)
		slices.Sort(gotIDs)
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%s: catalog holds %d sets\n%v\nretention keeps %d of %d\n%v", pol.name, len(gotIDs), gotIDs, len(wantIDs), len(items), wantIDs)
		}
		t.Logf("%s: %d runs, %d sets kept, %d re-verifications of kept sets", pol.name, len(runs), len(gotIDs), reverified)

		ps := st.Policies[pol.name]
		switch {
		case ps == nil:
			t.Errorf("%s: no status", pol.name)
		case ps.LastResult != "success" || ps.Failures != 0 || ps.LastSet != runs[len(runs)-1].SetID:
			t.Errorf("%s: status %+v, want success of %s", pol.name, ps, runs[len(runs)-1].SetID)
		case ps.LastSizeBytes != size:
			t.Errorf("%s: status lastSizeBytes %d, the last set has %d bytes", pol.name, ps.LastSizeBytes, size)
		}
		if h.IISDown() || h.OpenConns() != 0 {
			t.Errorf("%s: IIS down %v, %d Oracle connections open", pol.server, h.IISDown(), h.OpenConns())
		}
	}

	// No leftovers: no .partial or .removing folder, no open journal.
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		if strings.HasSuffix(p, catalog.PartialSuffix) || strings.HasSuffix(p, catalog.RemovingSuffix) {
			t.Errorf("leftover %s", p)
		}
		return nil
	})
	if runs, err := s.store.UnfinishedRuns(); err != nil || len(runs) != 0 {
		t.Errorf("unfinished journals: %d, %v", len(runs), err)
	}
	for _, l := range s.problems() {
		t.Errorf("agent logged: %s", l)
	}
	s.catalogMatchesDisk()
	s = nil
	checkNoLeaks(t, goroutines, fds)
	t.Logf("%d steps of %s over %s in %s", steps, step, end.Sub(start), simulated.Round(time.Millisecond))
}

// nextAfter returns the first of times (sorted) after t.
func nextAfter(times []time.Time, t time.Time) time.Time {
	for _, x := range times {
		if x.After(t) {
			return x
		}
	}
	return time.Time{}
}

func fmtTimes(ts []time.Time, loc *time.Location) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.In(loc).Format("01-02T15:04Z07 "))
	}
	return b.String()
}

func countLevel(m *catalog.Meta, level string) int {
	n := 0
	for _, v := range m.Verifications {
		if v.Level == level {
			n++
		}
	}
	return n
}
