package retention

import (
	"slices"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
)

// Item is one backup set as retention sees it.
type Item struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Verified bool      `json:"verified"`
	Complete bool      `json:"complete"`
}

// Rules are restic's forget options plus vaultkeeper's floor. A count of 0 disables a rule;
// a negative count means "all" (restic's -1).
type Rules struct {
	Last, Hourly, Daily, Weekly, Monthly, Yearly int
	// Within keeps every counting set younger than this, measured back from the newest one
	// as restic does (calendar.Duration.Before).
	Within calendar.Duration
	// WithinHourly … WithinYearly keep the newest set of every hour, day, ISO week, month or
	// year that lies within this span of the newest set (restic's --keep-within-hourly …).
	WithinHourly, WithinDaily, WithinWeekly, WithinMonthly, WithinYearly calendar.Duration
	// MinVerified is the number of verified sets that always remain; values below 1 mean 1.
	MinVerified int
}

// Empty reports whether no keep rule is set (restic then keeps everything).
func (r Rules) Empty() bool {
	return r.Last == 0 && r.Hourly == 0 && r.Daily == 0 && r.Weekly == 0 &&
		r.Monthly == 0 && r.Yearly == 0 && r.Within.Zero() && r.withinBuckets() == [nBuckets]calendar.Duration{}
}

// withinBuckets returns the keep-within-* spans indexed like the bucket kinds (bLast unused).
func (r Rules) withinBuckets() [nBuckets]calendar.Duration {
	return [nBuckets]calendar.Duration{bHourly: r.WithinHourly, bDaily: r.WithinDaily, bWeekly: r.WithinWeekly,
		bMonthly: r.WithinMonthly, bYearly: r.WithinYearly}
}

// Decision is one item with the reasons it is kept, or the rules that no longer keep it.
// Reasons slices may be shared between decisions: do not modify them.
type Decision struct {
	Item
	Reasons []string `json:"reasons"`
}

// Result lists the kept and the removed items, each newest first.
type Result struct {
	Keep   []Decision `json:"keep"`
	Remove []Decision `json:"remove"`
}

// Reasons used in decisions.
const (
	ReasonLast              = "last"
	ReasonHourly            = "hourly"
	ReasonDaily             = "daily"
	ReasonWeekly            = "weekly"
	ReasonMonthly           = "monthly"
	ReasonYearly            = "yearly"
	ReasonWithin            = "within"
	ReasonWithinHourly      = "within-hourly"
	ReasonWithinDaily       = "within-daily"
	ReasonWithinWeekly      = "within-weekly"
	ReasonWithinMonthly     = "within-monthly"
	ReasonWithinYearly      = "within-yearly"
	ReasonNoRules           = "no-rules"
	ReasonMinVerified       = "min-verified"
	ReasonNewestVerified    = "newest-verified"
	ReasonNewerThanVerified = "newer-than-verified"
	ReasonNoVerifiedSet     = "no-verified-set"
	ReasonUnverified        = "unverified"
	ReasonIncomplete        = "incomplete"
	ReasonOlderThanVerified = "older-than-newest-verified"
)

// options changes restic compatibility details; only tests use anything but the default.
type options struct {
	// noOldest disables restic ≥ 0.16's "keep the oldest set while a bucket rule has counts
	// left" (restic 0.14 and 0.15 behave so).
	noOldest bool
}

// Plan decides which items to keep under r, with calendar buckets in loc (UTC when nil).
func Plan(items []Item, r Rules, loc *time.Location) Result {
	return plan(items, r, loc, options{})
}

func plan(items []Item, r Rules, loc *time.Location, o options) Result {
	if loc == nil {
		loc = time.UTC
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	// Newest first; equal times keep their input order, as restic's stable sort does.
	sortNewestFirst(items, order)

	counting := make([]int, 0, len(items))
	for _, i := range order {
		if items[i].Verified && items[i].Complete {
			counting = append(counting, i)
		}
	}
	reasons := make([][]string, len(items))
	kept := make([]bool, len(items))
	if r.Empty() {
		for i := range items {
			kept[i], reasons[i] = true, []string{ReasonNoRules}
		}
		return collect(items, order, kept, reasons)
	}
	applyRules(items, counting, r, loc, o, kept, reasons)
	applyFloors(items, order, counting, r, kept, reasons)
	names := r.names() // shared by every removed counting set
	for _, i := range counting {
		if !kept[i] {
			reasons[i] = names
		}
	}
	return collect(items, order, kept, reasons)
}

// names lists the configured rules, the reasons a removed counting set no longer has.
func (r Rules) names() []string {
	var out []string
	for _, n := range []struct {
		set  bool
		name string
	}{
		{r.Last != 0, ReasonLast}, {r.Hourly != 0, ReasonHourly}, {r.Daily != 0, ReasonDaily},
		{r.Weekly != 0, ReasonWeekly}, {r.Monthly != 0, ReasonMonthly},
		{r.Yearly != 0, ReasonYearly}, {!r.Within.Zero(), ReasonWithin},
		{!r.WithinHourly.Zero(), ReasonWithinHourly}, {!r.WithinDaily.Zero(), ReasonWithinDaily},
		{!r.WithinWeekly.Zero(), ReasonWithinWeekly}, {!r.WithinMonthly.Zero(), ReasonWithinMonthly},
		{!r.WithinYearly.Zero(), ReasonWithinYearly},
	} {
		if n.set {
			out = append(out, n.name)
		}
	}
	return out
}

func collect(items []Item, order []int, kept []bool, reasons [][]string) Result {
	n := 0
	for _, k := range kept {
		if k {
			n++
		}
	}
	res := Result{Keep: make([]Decision, 0, n), Remove: make([]Decision, 0, len(items)-n)}
	for _, i := range order {
		d := Decision{Item: items[i], Reasons: reasons[i]}
		if d.Reasons == nil {
			d.Reasons = []string{}
		}
		if kept[i] {
			res.Keep = append(res.Keep, d)
		} else {
			res.Remove = append(res.Remove, d)
		}
	}
	return res
}

// sortNewestFirst orders the indexes newest first; equal times keep their input order, as
// restic's stable sort does. Input already in either strict order is handled in linear time.
func sortNewestFirst(items []Item, order []int) {
	asc, desc := true, true
	for i := 1; i < len(items) && (asc || desc); i++ {
		c := items[i].Time.Compare(items[i-1].Time)
		asc = asc && c > 0
		desc = desc && c <= 0
	}
	switch {
	case desc:
	case asc:
		slices.Reverse(order)
	default:
		slices.SortStableFunc(order, func(a, b int) int { return items[b].Time.Compare(items[a].Time) })
	}
}
