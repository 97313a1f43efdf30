package retention

import (
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
)

// FromSpec converts a policy's retention spec into Rules.
// The keep-within fields were validated with the manifest, so parse errors cannot occur here.
func FromSpec(r manifests.RetentionSpec) Rules {
	span := func(s string) calendar.Duration { d, _ := calendar.Parse(s); return d }
	return Rules{Last: r.KeepLast, Hourly: r.KeepHourly, Daily: r.KeepDaily, Weekly: r.KeepWeekly,
		Monthly: r.KeepMonthly, Yearly: r.KeepYearly, Within: span(r.KeepWithin),
		WithinHourly: span(r.KeepWithinHourly), WithinDaily: span(r.KeepWithinDaily), WithinWeekly: span(r.KeepWithinWeekly),
		WithinMonthly: span(r.KeepWithinMonthly), WithinYearly: span(r.KeepWithinYearly), MinVerified: r.MinVerified}
}
