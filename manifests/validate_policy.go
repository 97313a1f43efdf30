package manifests

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
	"github.com/vaultkeeper/vaultkeeper/manifests/cronspec"
)

func (v *validator) policy(e *objErrs, p *BackupPolicySpec) {
	v.serverRef(e, "spec.server", p.Server)
	checkSchedule(e, "spec.schedule", p.Schedule)
	if _, err := loadLocation(p.TimeZone); errors.Is(err, errLocalZone) {
		e.add("spec.timeZone", err.Error())
	} else if err != nil {
		e.add("spec.timeZone", fmt.Sprintf("unknown time zone %q: name an IANA zone such as Europe/Zurich or UTC", p.TimeZone))
	}
	checkWindow(e, "spec.window", p.Window)
	checkPath(e, "spec.destination", p.Destination, true)
	for i, c := range p.Copies {
		f := "spec.copies[" + strconv.Itoa(i) + "]"
		checkPath(e, f, c, true)
		if c != "" && p.Destination != "" && samePath(c, p.Destination) {
			e.add(f, "must differ from spec.destination: a replica in the same place is no replica")
			continue
		}
		for j, earlier := range p.Copies[:i] {
			if c != "" && samePath(c, earlier) {
				e.add(f, fmt.Sprintf("duplicate of spec.copies[%d]", j))
				break
			}
		}
	}
	validateRetention(e, &p.Retention)
	checkDuration(e, "spec.maxAge", p.MaxAge, true, 0)
	checkDuration(e, "spec.verify.interval", p.Verify.Interval, false, 0)
	if p.MinFreeBytes < 0 {
		e.add("spec.minFreeBytes", fmt.Sprintf("must be >= 0, got %d", p.MinFreeBytes))
	}
	if p.Downtime != "" {
		checkEnum(e, "spec.downtime", p.Downtime, DowntimeVendor, DowntimeMinimal)
	}
}

// serverRef checks a required reference to a Server.
func (v *validator) serverRef(e *objErrs, field, name string) *Server {
	if name == "" {
		e.add(field, "is required")
		return nil
	}
	s := v.servers[name]
	if s == nil {
		e.add(field, fmt.Sprintf("Server %q not found", name))
	}
	return s
}

// checkSchedule accepts exactly five cron fields. Descriptors (@daily, @every 1h) and
// TZ=/CRON_TZ= prefixes are rejected: the time zone is spec.timeZone.
func checkSchedule(e *objErrs, field, s string) {
	if s == "" {
		e.add(field, "is required")
		return
	}
	if n := len(strings.Fields(s)); n != 5 || strings.HasPrefix(s, "@") || strings.Contains(s, "TZ=") {
		e.add(field, fmt.Sprintf("%q must have 5 cron fields (minute hour day-of-month month day-of-week); descriptors such as @daily and TZ= prefixes are not accepted", s))
		return
	}
	if _, err := cronspec.Parse(s); err != nil {
		e.add(field, fmt.Sprintf("invalid cron expression %q: %v", s, err))
	}
}

// namedWithin is one keep-within field with its JSON name.
type namedWithin struct{ name, value string }

func (r *RetentionSpec) withins() []namedWithin {
	return []namedWithin{{"keepWithin", r.KeepWithin}, {"keepWithinHourly", r.KeepWithinHourly},
		{"keepWithinDaily", r.KeepWithinDaily}, {"keepWithinWeekly", r.KeepWithinWeekly},
		{"keepWithinMonthly", r.KeepWithinMonthly}, {"keepWithinYearly", r.KeepWithinYearly}}
}

func validateRetention(e *objErrs, r *RetentionSpec) {
	const f = "spec.retention"
	keeps := []struct {
		name string
		n    int
	}{
		{"keepLast", r.KeepLast}, {"keepHourly", r.KeepHourly}, {"keepDaily", r.KeepDaily},
		{"keepWeekly", r.KeepWeekly}, {"keepMonthly", r.KeepMonthly}, {"keepYearly", r.KeepYearly},
	}
	rules := 0
	for _, k := range keeps {
		switch {
		case k.n < 0:
			e.add(f+"."+k.name, fmt.Sprintf("must be >= 0, got %d", k.n))
		case k.n > 0:
			rules++
		}
	}
	for _, w := range r.withins() {
		if w.value == "" {
			continue
		}
		rules++
		d, err := calendar.Parse(w.value)
		switch {
		case err != nil:
			e.add(f+"."+w.name, err.Error())
		case d.Zero():
			e.add(f+"."+w.name, fmt.Sprintf("must be more than 0, got %q (omit the field to disable it)", w.value))
		}
	}
	if rules == 0 {
		e.add(f, "needs at least one keep rule (keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin or keepWithinHourly/Daily/Weekly/Monthly/Yearly)")
	}
	if r.MinVerified < 1 {
		e.add(f+".minVerified", fmt.Sprintf("must be >= 1, got %d", r.MinVerified))
	}
	if r.KeepSafety < 1 {
		e.add(f+".keepSafety", fmt.Sprintf("must be >= 1, got %d", r.KeepSafety))
	}
}

// checkWindow checks a maintenance window (BackupPolicy and Restore spec.window).
func checkWindow(e *objErrs, field string, w *WindowSpec) {
	if w == nil {
		return
	}
	if w.Start == "" {
		e.add(field+".start", "is required")
	} else if _, err := parseClock(w.Start); err != nil {
		e.add(field+".start", fmt.Sprintf("%q: %v", w.Start, err))
	}
	checkDuration(e, field+".duration", w.Duration, true, 24*time.Hour)
}
