package promtest

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	cases := []struct {
		name    string
		targets []string
		want    []string
		wantErr bool
	}{
		{name: "host:port", targets: []string{"127.0.0.1:9469"}, want: []string{`- "127.0.0.1:9469"`, "job_name: vaultkeeper", "scrape_interval: 1s", "evaluation_interval: 1s"}},
		{name: "URL", targets: []string{"http://127.0.0.1:4242/metrics"}, want: []string{`- "127.0.0.1:4242"`}},
		{name: "no port", targets: []string{"localhost"}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := config(tc.targets, nil)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("config(%v) = %s, want an error", tc.targets, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("config lacks %q:\n%s", w, got)
				}
			}
		})
	}
	if _, err := config(nil, []string{"testdata/does-not-exist.yaml"}); err == nil {
		t.Error("a missing rule file is accepted")
	}
}

func TestQuery(t *testing.T) {
	s := Start(t, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cases := []struct {
		expr   string
		want   []float64
		finite int
	}{
		{expr: "1 + 1", want: []float64{2}, finite: 1},
		{expr: `vector(3)`, want: []float64{3}, finite: 1},
		{expr: `vector(0) / 0`, want: nil, finite: 0},
		{expr: `absent(nothing_here) * 5`, want: []float64{5}, finite: 1},
		{expr: `nothing_here`, want: []float64{}, finite: 0},
	}
	for _, tc := range cases {
		v, err := s.Query(ctx, tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if v.Finite() != tc.finite {
			t.Errorf("%s: %d finite samples, want %d: %v", tc.expr, v.Finite(), tc.finite, v)
		}
		for i, w := range tc.want {
			if i >= len(v) || v[i].Value != w {
				t.Errorf("%s = %v, want %v", tc.expr, v, tc.want)
			}
		}
	}
	_, err := s.Query(ctx, "sum(")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Type != "bad_data" {
		t.Errorf(`Query("sum(") = %v, want a bad_data APIError`, err)
	}
	if alerts, err := s.Alerts(ctx); err != nil || len(alerts) != 0 {
		t.Errorf("Alerts() = %v, %v; want none", alerts, err)
	}
}

// TestWaitEvaluatedAfter: with the alert rules loaded, every group is evaluated within a few
// seconds (evaluation_interval 1s) after any moment.
func TestWaitEvaluatedAfter(t *testing.T) {
	s := Start(t, nil, []string{"../../../dashboards/alerts.yaml"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mark := time.Now()
	if err := s.WaitEvaluatedAfter(ctx, mark); err != nil {
		t.Fatal(err)
	}
	groups, err := s.RuleGroups(ctx)
	if err != nil || len(groups) == 0 {
		t.Fatalf("RuleGroups() = %v, %v; want the groups of alerts.yaml", groups, err)
	}
	for _, g := range groups {
		if !g.LastEvaluation.After(mark) {
			t.Errorf("group %s last evaluated %s, not after %s", g.Name, g.LastEvaluation, mark)
		}
	}
	short, cancel2 := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel2()
	if err := s.WaitEvaluatedAfter(short, time.Now().Add(time.Hour)); err == nil {
		t.Error("WaitEvaluatedAfter an hour from now returned without error")
	}
}

// TestStartOnATakenPort: when the port handed to Prometheus is taken by the time it binds,
// Start tries again on another one.
func TestStartOnATakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	saved := freeAddr
	t.Cleanup(func() { freeAddr = saved })
	calls := 0
	freeAddr = func() (string, error) {
		calls++
		if calls == 1 {
			return taken.Addr().String(), nil
		}
		return saved()
	}
	s := Start(t, nil, nil)
	if calls != 2 || s.URL == "http://"+taken.Addr().String() {
		t.Errorf("Start asked for %d addresses and runs at %s (taken: %s)", calls, s.URL, taken.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if v, err := s.Query(ctx, "1 + 1"); err != nil || v.Finite() != 1 {
		t.Errorf("query after the retry: %v, %v", v, err)
	}
}
