package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Duration
		out  string
		err  string
	}{
		// restic's own cases (internal/data/duration_test.go) that restic's forget accepts.
		{in: "9h", want: Duration{Hours: 9}, out: "9h"},
		{in: "3d", want: Duration{Days: 3}, out: "3d"},
		{in: "4d2h", want: Duration{Days: 4, Hours: 2}, out: "4d2h"},
		{in: "7m5d", want: Duration{Months: 7, Days: 5}, out: "7m5d"},
		{in: "6m4d8h", want: Duration{Months: 6, Days: 4, Hours: 8}, out: "6m4d8h"},
		{in: "5d7m", want: Duration{Months: 7, Days: 5}, out: "7m5d"},
		{in: "4h3d9m", want: Duration{Months: 9, Days: 3, Hours: 4}, out: "9m3d4h"},
		{in: "1y2m3d4h", want: Duration{1, 2, 3, 4}, out: "1y2m3d4h"},
		{in: " 14d ", want: Duration{Days: 14}, out: "14d"},
		{in: "", want: Duration{}, out: ""},
		{in: "1m", want: Duration{Months: 1}, out: "1m"}, // one month, not one minute
		{in: "2w", err: `unknown unit "w" after 2`},
		{in: "1y4m3w1d", err: `unknown unit "w" after 3`},
		{in: "s", err: "expected a number"},
		{in: "\xdf\x80", err: "expected a number"},
		{in: "-7m5d", err: "negative values are not allowed"},
		{in: "5", err: "no unit after 5"},
		{in: "30s", err: "seconds (s) after 30: keep-within counts calendar time as restic does"},
		{in: "90min", err: "minutes (min) after 90"},
		{in: "1h30s", err: "seconds (s) after 30"},
		{in: "500ms", err: "milliseconds (ms) after 500"},
		{in: "1.5h", err: "a fraction after 1"},
		{in: "1d2d", err: "unit d is given twice"},
		{in: "99999999999999999999h", err: "is more than 1000000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrSyntax) {
					t.Fatalf("Parse(%q) = %v, %v; want error containing %q", tt.in, d, err, tt.err)
				}
				return
			}
			if err != nil || d != tt.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tt.in, d, err, tt.want)
			}
			if d.String() != tt.out {
				t.Errorf("String() = %q, want %q", d.String(), tt.out)
			}
		})
	}
}

func TestBefore(t *testing.T) {
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		d    string
		at   time.Time
		want string
	}{
		{"1m", time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC), "2024-03-02T12:00:00Z"}, // 31 Feb normalises to 2 March
		{"1y", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "2023-03-01T00:00:00Z"},
		{"1d2h", time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC), "2023-12-30T23:00:00Z"},
		// Calendar parts on the fixed offset of the reference time (+02:00 in summer), as a
		// restic snapshot stores it: one day back across the DST change is 24 real hours.
		{"1d", time.Date(2024, 3, 31, 12, 0, 0, 0, zurich), "2024-03-30T12:00:00+02:00"},
		{"24h", time.Date(2024, 3, 31, 12, 0, 0, 0, zurich), "2024-03-30T12:00:00+02:00"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Before(tt.at).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s before %s = %s, want %s", tt.d, tt.at, got, tt.want)
		}
	}
}
