package statuspage

import (
	"fmt"
	"time"
)

// timeLayout is how the page writes a time: the policy's zone, with its offset.
const timeLayout = "2006-01-02 15:04:05 -07:00"

// when writes t in zone (UTC when nil), "never" for the zero time.
func when(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format(timeLayout)
}

// age writes how long before now t was, "never" for the zero time.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + span(-d)
	}
	return span(d) + " ago"
}

// span writes d to the second, in the two largest units: 45s, 3m05s, 2h05m, 3d04h.
func span(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// seconds writes a run's or a step's duration: milliseconds below a second, tenths below a
// minute, else as span.
func seconds(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.0fms", s*1000)
	}
	if s < 60 {
		return fmt.Sprintf("%.1fs", s)
	}
	return span(time.Duration(s * float64(time.Second)))
}

// byteSize writes n in IEC units with one decimal: 512 B, 1.5 KiB, 12.0 MiB.
func byteSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f, units := float64(n), []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	for i, u := range units {
		f /= 1024
		if f < 1024 || i == len(units)-1 {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}
