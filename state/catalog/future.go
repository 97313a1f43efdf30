package catalog

import (
	"fmt"
	"time"
)

// MaxFutureSkew is how far after now a set may be dated and still be trusted (clock skew
// between the agent that made it and this one). A set dated later is a future set.
const MaxFutureSkew = time.Hour

// FutureSetsMetric is the gauge that counts each policy's future sets (labels server, policy).
const FutureSetsMetric = "vaultkeeper_backup_future_sets"

// FutureSet is a set dated too far ahead, with the reason in words.
type FutureSet struct {
	Set    Set
	Reason string
}

// SplitFuture separates the sets dated more than MaxFutureSkew after now (by their id, the
// UTC start time, or their record's finish time) from the others. Future sets must not count
// for the last success, the next due time, retention or `latest`: one folder copied in with a
// date years ahead would otherwise silence the stale alert, move the schedule and be the set a
// Restore imports. kept keeps the order of sets.
func SplitFuture(sets []Set, now time.Time) (kept []Set, future []FutureSet) {
	limit := now.Add(MaxFutureSkew)
	for _, s := range sets {
		when, what := s.Dated()
		if when.After(limit) {
			future = append(future, FutureSet{Set: s, Reason: fmt.Sprintf(
				"set %s/%s in %s is dated %s by %s, %s after now (%s): ignored for last success, due times, retention and latest until then",
				s.Server, s.ID, s.Destination, when.UTC().Format(time.RFC3339), what, when.Sub(now).Round(time.Second), now.UTC().Format(time.RFC3339))})
			continue
		}
		kept = append(kept, s)
	}
	return kept, future
}

// Dated is the time a set claims for itself: the later of its id's time and its record's
// finish time, and which of the two that is, in words.
func (s Set) Dated() (time.Time, string) {
	if s.Meta != nil && s.Meta.Finished.After(s.Time) {
		return s.Meta.Finished, "its record's finish time"
	}
	return s.Time, "its id"
}

// TrustedFrom is when a future set stops being one: MaxFutureSkew before it is dated.
func (f FutureSet) TrustedFrom() time.Time {
	when, _ := f.Set.Dated()
	return when.Add(-MaxFutureSkew)
}
