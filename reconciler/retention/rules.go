package retention

import "time"

// bucket kinds, in restic's order (which is also the order of the reasons).
const (
	bLast = iota
	bHourly
	bDaily
	bWeekly
	bMonthly
	bYearly
	nBuckets
)

var bucketReason = [nBuckets]string{ReasonLast, ReasonHourly, ReasonDaily, ReasonWeekly, ReasonMonthly, ReasonYearly}

var withinReason = [nBuckets]string{"", ReasonWithinHourly, ReasonWithinDaily, ReasonWithinWeekly, ReasonWithinMonthly, ReasonWithinYearly}

// bucketKeys computes the calendar bucket of t in loc for every bucket kind, as restic's
// ymdh, ymd, yw (ISO year*100 + ISO week), ym and y do; nr is the position, restic's
// "always" bucket for keep-last.
func bucketKeys(t time.Time, loc *time.Location, nr int, weekly bool) [nBuckets]int {
	t = t.In(loc)
	y, m, d := t.Date()
	k := [nBuckets]int{
		bLast:    nr,
		bHourly:  y*1000000 + int(m)*10000 + d*100 + t.Hour(),
		bDaily:   y*10000 + int(m)*100 + d,
		bMonthly: y*100 + int(m),
		bYearly:  y,
	}
	if weekly {
		wy, w := t.ISOWeek()
		k[bWeekly] = wy*100 + w
	}
	return k
}

// applyRules runs restic's ApplyPolicy over the counting items (newest first). The
// keep-within cutoffs are measured back from the newest counting item with
// calendar.Duration.Before; a keep-within-* rule keeps the newest item of each bucket that
// lies after its cutoff, with no count (restic's bucketsWithin).
func applyRules(items []Item, counting []int, r Rules, loc *time.Location, o options, kept []bool, reasons [][]string) {
	if len(counting) == 0 {
		return
	}
	counts := [nBuckets]int{r.Last, r.Hourly, r.Daily, r.Weekly, r.Monthly, r.Yearly}
	var last, lastWithin [nBuckets]int
	for b := range last {
		last[b], lastWithin[b] = -1, -1
		if counts[b] < 0 {
			counts[b] = -1
		}
	}
	latest := items[counting[0]].Time
	spans := r.withinBuckets()
	var cutoffs [nBuckets]time.Time
	var oldestCutoff time.Time // items at or before every cutoff meet no keep-within-* rule
	none := true
	for b, d := range spans {
		if d.Zero() {
			continue
		}
		cutoffs[b] = d.Before(latest)
		if none || cutoffs[b].Before(oldestCutoff) {
			oldestCutoff, none = cutoffs[b], false
		}
	}
	cutoff := r.Within.Before(latest)
	weekly := counts[bWeekly] != 0 || !spans[bWeekly].Zero()
	for nr, i := range counting {
		it := items[i]
		within := !r.Within.Zero() && it.Time.After(cutoff)
		if !within && counts == ([nBuckets]int{}) && (none || !it.Time.After(oldestCutoff)) {
			break // every count is used up and the rest is older than every cutoff
		}
		if within {
			kept[i] = true
			reasons[i] = append(reasons[i], ReasonWithin)
		}
		keys := bucketKeys(it.Time, loc, nr, weekly)
		oldest := !o.noOldest && nr == len(counting)-1
		for b := range nBuckets {
			if counts[b] == 0 {
				continue
			}
			if keys[b] != last[b] || oldest {
				kept[i] = true
				last[b] = keys[b]
				if counts[b] > 0 {
					counts[b]--
				}
				reasons[i] = append(reasons[i], bucketReason[b])
			}
		}
		for b := range nBuckets {
			if spans[b].Zero() || !it.Time.After(cutoffs[b]) {
				continue
			}
			if keys[b] != lastWithin[b] || oldest {
				kept[i] = true
				lastWithin[b] = keys[b]
				reasons[i] = append(reasons[i], withinReason[b])
			}
		}
	}
}

// applyFloors keeps the newest verified set, MinVerified verified sets, and decides the sets
// that do not count (see the package documentation).
func applyFloors(items []Item, order, counting []int, r Rules, kept []bool, reasons [][]string) {
	if len(counting) == 0 {
		for _, i := range order {
			kept[i], reasons[i] = true, []string{ReasonNoVerifiedSet}
		}
		return
	}
	newest := counting[0]
	if !kept[newest] {
		kept[newest], reasons[newest] = true, []string{ReasonNewestVerified}
	}
	minVerified := max(r.MinVerified, 1)
	n := 0
	for _, i := range counting {
		if kept[i] {
			n++
		}
	}
	for _, i := range counting {
		if n >= minVerified {
			break
		}
		if !kept[i] {
			kept[i], reasons[i] = true, []string{ReasonMinVerified}
			n++
		}
	}
	newestTime := items[newest].Time
	for _, i := range order {
		it := items[i]
		if it.Verified && it.Complete {
			continue
		}
		if it.Time.After(newestTime) {
			kept[i], reasons[i] = true, []string{ReasonNewerThanVerified}
			continue
		}
		var why []string
		if !it.Verified {
			why = append(why, ReasonUnverified)
		}
		if !it.Complete {
			why = append(why, ReasonIncomplete)
		}
		reasons[i] = append(why, ReasonOlderThanVerified)
	}
}
