package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Sample is one element of an instant query's result. A scalar result is one Sample without
// labels.
type Sample struct {
	Metric map[string]string
	Value  float64
	Time   time.Time
}

// Vector is an instant query's result.
type Vector []Sample

// Finite is the number of samples whose value is neither NaN nor infinite.
func (v Vector) Finite() int {
	n := 0
	for _, s := range v {
		if !math.IsNaN(s.Value) && !math.IsInf(s.Value, 0) {
			n++
		}
	}
	return n
}

// Alert is an active alert as /api/v1/alerts reports it.
type Alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	// State is "pending" or "firing".
	State    string    `json:"state"`
	ActiveAt time.Time `json:"activeAt"`
	Value    string    `json:"value"`
}

// APIError is an error reported by Prometheus' HTTP API (bad_data for a query that does not
// parse, execution for one that fails).
type APIError struct {
	Type, Message string
}

func (e *APIError) Error() string { return e.Type + ": " + e.Message }

// Query evaluates expr as an instant query at the current time.
func (s *Server) Query(ctx context.Context, expr string) (Vector, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := s.get(ctx, "/api/v1/query?query="+url.QueryEscape(expr), &data); err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, err)
	}
	switch data.ResultType {
	case "vector":
		var raw []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(data.Result, &raw); err != nil {
			return nil, fmt.Errorf("query %q: decode vector: %w", expr, err)
		}
		out := make(Vector, 0, len(raw))
		for _, r := range raw {
			smp, err := sample(r.Value)
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", expr, err)
			}
			smp.Metric = r.Metric
			out = append(out, smp)
		}
		return out, nil
	case "scalar":
		var raw [2]any
		if err := json.Unmarshal(data.Result, &raw); err != nil {
			return nil, fmt.Errorf("query %q: decode scalar: %w", expr, err)
		}
		smp, err := sample(raw)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", expr, err)
		}
		return Vector{smp}, nil
	default:
		return nil, fmt.Errorf("query %q: result type %q, want vector or scalar", expr, data.ResultType)
	}
}

// Alerts lists the active (pending or firing) alerts.
func (s *Server) Alerts(ctx context.Context) ([]Alert, error) {
	var data struct {
		Alerts []Alert `json:"alerts"`
	}
	if err := s.get(ctx, "/api/v1/alerts", &data); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return data.Alerts, nil
}

// WaitForAlert polls the active alerts until one named name whose labels include match is in
// one of states (any state when none are given), and returns it.
func (s *Server) WaitForAlert(ctx context.Context, name string, match map[string]string, states ...string) (Alert, error) {
	for {
		alerts, err := s.Alerts(ctx)
		if err != nil {
			return Alert{}, err
		}
		for _, a := range alerts {
			if a.Labels["alertname"] == name && matches(a.Labels, match) && (len(states) == 0 || contains(states, a.State)) {
				return a, nil
			}
		}
		select {
		case <-ctx.Done():
			return Alert{}, fmt.Errorf("alert %s%v in %v: not seen (active: %v): %w", name, match, states, alerts, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// RuleGroup is a rule group as /api/v1/rules reports it.
type RuleGroup struct {
	Name string `json:"name"`
	File string `json:"file"`
	// LastEvaluation is when the group's last evaluation started (zero before the first).
	LastEvaluation time.Time `json:"lastEvaluation"`
}

// RuleGroups lists the loaded rule groups.
func (s *Server) RuleGroups(ctx context.Context) ([]RuleGroup, error) {
	var data struct {
		Groups []RuleGroup `json:"groups"`
	}
	if err := s.get(ctx, "/api/v1/rules", &data); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return data.Groups, nil
}

// WaitEvaluatedAfter waits until every rule group has started an evaluation after t: from
// then on, the alerts reflect every sample scraped before t.
func (s *Server) WaitEvaluatedAfter(ctx context.Context, t time.Time) error {
	for {
		groups, err := s.RuleGroups(ctx)
		if err != nil {
			return err
		}
		done := len(groups) > 0
		for _, g := range groups {
			done = done && g.LastEvaluation.After(t)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("rule groups %+v: none evaluated after %s: %w", groups, t.Format(time.RFC3339Nano), ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// WaitFor polls expr until it returns at least one finite sample.
func (s *Server) WaitFor(ctx context.Context, expr string) (Vector, error) {
	for {
		v, err := s.Query(ctx, expr)
		if err != nil {
			return nil, err
		}
		if v.Finite() > 0 {
			return v, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("query %q: no data: %w", expr, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (s *Server) get(ctx context.Context, path string, data any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	var env struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%s: %s: decode %q: %w", path, resp.Status, truncate(body), err)
	}
	if env.Status != "success" {
		return &APIError{Type: env.ErrorType, Message: env.Error}
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		return fmt.Errorf("decode data %q: %w", truncate(env.Data), err)
	}
	return nil
}

// sample decodes Prometheus' [unix seconds, "value"] pair.
func sample(v [2]any) (Sample, error) {
	ts, ok := v[0].(float64)
	if !ok {
		return Sample{}, fmt.Errorf("sample time %v is not a number", v[0])
	}
	str, ok := v[1].(string)
	if !ok {
		return Sample{}, fmt.Errorf("sample value %v is not a string", v[1])
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return Sample{}, fmt.Errorf("sample value %q: %w", str, err)
	}
	sec, frac := math.Modf(ts)
	return Sample{Value: f, Time: time.Unix(int64(sec), int64(frac*1e9))}, nil
}

func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
