package cronspec

import (
	"strings"
	"testing"
	"time"
)

// fires lists the days (2024-01-DD, 2024-02-DD …) of the first n fire times after 1 Jan 2024.
func fires(t *testing.T, expr string, n int) string {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	s.Location = time.UTC
	var out []string
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for range n {
		at = s.Next(at)
		out = append(out, at.Format("Mon 01-02"))
	}
	return strings.Join(out, ",")
}

func TestCron8DayRules(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		// 7 is Sunday, as 0 is (1 January 2024 is a Monday).
		{"0 2 * * 7", "Sun 01-07,Sun 01-14,Sun 01-21"},
		{"0 2 * * 0", "Sun 01-07,Sun 01-14,Sun 01-21"},
		{"0 2 * * 5-7", "Fri 01-05,Sat 01-06,Sun 01-07"},
		{"0 2 * * fri-sun", "Fri 01-05,Sat 01-06,Sun 01-07"}, // cronie's entry.c: a range ending on 0 ends on 7
		{"0 2 * * 6-0", "Sat 01-06,Sun 01-07,Sat 01-13"},
		{"0 2 * * 1-7/3", "Mon 01-01,Thu 01-04,Sun 01-07"},
		// Both day fields restricted: either matches (crontab(5)'s "30 4 1,15 * 5").
		{"30 4 1,15 * 5", "Mon 01-01,Fri 01-05,Fri 01-12"},
		// A stepped "*" is not restricted: both must match (odd days that are Mondays).
		{"0 2 */2 * 1", "Mon 01-01,Mon 01-15,Mon 01-29"},
		// The same with the step on the day of week: days 1 and 15 that fall on Sun, Tue, Thu, Sat.
		{"0 2 1,15 * */2", "Thu 02-01,Thu 02-15,Sat 06-01"},
		{"0 2 */10 * *", "Mon 01-01,Thu 01-11,Sun 01-21"},
	}
	for _, tt := range tests {
		if got := fires(t, tt.expr, 3); got != tt.want {
			t.Errorf("%s fires %s, want %s", tt.expr, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"0 2 * * 8":      `day-of-week "8": "8" is not 0-7 (0 and 7 are Sunday) or a name sun-sat`,
		"0 2 * * 5-2":    `day-of-week "5-2": range 5-2 goes backwards`,
		"0 2 * * */0":    `day-of-week "*/0": step "0" is not 1-7`,
		"0 2 * * funday": `"funday" is not 0-7`,
		"0 25 * * *":     "25",
		"0 2 * *":        "want 5 fields",
		"@daily":         "want 5 fields",
		"0 2 32 * 1":     "32",
	} {
		if _, err := Parse(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", expr, err, want)
		}
	}
}
