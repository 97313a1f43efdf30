package metrics

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// value is the value of the series name{labels} (labels as k=v pairs), and whether it exists.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	mf, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for _, kv := range labels {
			k, v, _ := strings.Cut(kv, "=")
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestSeries(t *testing.T) {
	type want struct {
		name   string
		labels []string
		value  float64
		absent bool
	}
	cases := []struct {
		name   string
		snap   Snapshot
		events func(m *Metrics)
		want   []want
	}{{
		name: "never succeeded is 0, not absent",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_backup_last_success_timestamp_seconds", labels: []string{"policy=hourly"}, value: 0},
			{name: "vaultkeeper_backup_last_verified_timestamp_seconds", labels: []string{"policy=hourly"}, value: 0},
			{name: "vaultkeeper_backup_size_bytes", labels: []string{"policy=hourly", "component=dump"}, value: 0},
			{name: "vaultkeeper_backup_running", labels: []string{"policy=hourly"}, value: 1},
			{name: "vaultkeeper_backup_last_success_timestamp_seconds", labels: []string{"policy=nightly"}, value: float64(epoch.Add(-10 * time.Hour).Unix())},
			{name: "vaultkeeper_backup_max_age_seconds", labels: []string{"policy=nightly"}, value: 26 * 3600},
		},
	}, {
		name: "counters and histograms of declared objects exist before any event",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_backup_runs_total", labels: []string{"policy=hourly", "result=success"}},
			{name: "vaultkeeper_backup_runs_total", labels: []string{"policy=hourly", "result=failure"}},
			{name: "vaultkeeper_backup_duration_seconds", labels: []string{"policy=hourly"}},
			{name: "vaultkeeper_restore_runs_total", labels: []string{"restore=drill", "result=failure"}},
			{name: "vaultkeeper_reconcile_total", labels: []string{"kind=Restore", "result=failure"}},
			{name: "vaultkeeper_reconcile_duration_seconds", labels: []string{"kind=Server", "result=success"}},
			{name: "vaultkeeper_source_sync_errors_total"},
		},
	}, {
		name:   "an event before the first scrape leaves the other result initialised",
		snap:   fixture(),
		events: func(m *Metrics) { m.BackupFinished("aes-prod", "hourly", ResultSuccess, time.Minute) },
		want: []want{
			{name: "vaultkeeper_backup_runs_total", labels: []string{"policy=hourly", "result=success"}, value: 1},
			{name: "vaultkeeper_backup_runs_total", labels: []string{"policy=hourly", "result=failure"}, value: 0},
			{name: "vaultkeeper_backup_duration_seconds", labels: []string{"policy=hourly"}, value: 1},
		},
	}, {
		name: "unknown values are absent",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_destination_free_bytes", labels: []string{"policy=hourly"}, absent: true},
			{name: "vaultkeeper_destination_free_bytes", labels: []string{"policy=nightly"}, value: 500 << 30},
			{name: "vaultkeeper_restore_backup_age_seconds", labels: []string{"restore=drill"}, absent: true},
			{name: "vaultkeeper_restore_last_success_timestamp_seconds", labels: []string{"restore=drill"}, value: 0},
		},
	}, {
		name: "restore age is computed at scrape time",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_restore_backup_age_seconds", labels: []string{"restore=staging-refresh"}, value: 34 * 3600},
			{name: "vaultkeeper_restore_max_lag_seconds", labels: []string{"restore=staging-refresh"}, value: 168 * 3600},
		},
	}, {
		name: "source revision and manifests state",
		snap: func() Snapshot { s := fixture(); s.ManifestsInvalid = true; return s }(),
		want: []want{
			{name: "vaultkeeper_source_revision_info", labels: []string{"revision=0123abcd"}, value: 1},
			{name: "vaultkeeper_manifests_invalid", value: 1},
			{name: "vaultkeeper_source_last_sync_timestamp_seconds", value: float64(epoch.Add(-30 * time.Second).Unix())},
		},
	}, {
		name: "an agent that owns no server says so once a revision is in force",
		snap: func() Snapshot { s := fixture(); s.Servers = 0; return s }(),
		want: []want{{name: "vaultkeeper_agent_servers", value: 0}},
	}, {
		name: "servers owned",
		snap: func() Snapshot { s := fixture(); s.Servers = 2; return s }(),
		want: []want{{name: "vaultkeeper_agent_servers", value: 2}},
	}, {
		name: "no revision yet",
		snap: Snapshot{},
		want: []want{
			{name: "vaultkeeper_source_revision_info", absent: true},
			{name: "vaultkeeper_source_last_sync_timestamp_seconds", value: 0},
			{name: "vaultkeeper_manifests_invalid", value: 0},
			{name: "vaultkeeper_agent_servers", absent: true},
		},
	}, {
		name: "checks",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_check_ok", labels: []string{"check=tnsnames"}, value: 1},
			{name: "vaultkeeper_check_ok", labels: []string{"check=iis-binding"}, value: 0},
			{name: "vaultkeeper_check_last_run_timestamp_seconds", labels: []string{"check=iis-binding"}, value: 0},
		},
	}, {
		name: "sets by verification state",
		snap: fixture(),
		want: []want{
			{name: "vaultkeeper_backup_sets", labels: []string{"policy=nightly", "verified=true"}, value: 3},
			{name: "vaultkeeper_backup_sets", labels: []string{"policy=nightly", "verified=false"}, value: 1},
			{name: "vaultkeeper_backup_min_verified", labels: []string{"policy=nightly"}, value: 2},
			{name: "vaultkeeper_backup_verify_interval_seconds", labels: []string{"policy=nightly"}, value: 168 * 3600},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newFixed(tc.snap)
			if tc.events != nil {
				tc.events(m)
			}
			fams := families(t, m)
			for _, w := range tc.want {
				got, ok := value(fams, w.name, w.labels...)
				switch {
				case w.absent && ok:
					t.Errorf("%s%v = %v, want absent", w.name, w.labels, got)
				case !w.absent && !ok:
					t.Errorf("%s%v absent", w.name, w.labels)
				case !w.absent && got != w.value:
					t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
				}
			}
		})
	}
}

func TestUndeclaredSeriesAreDeleted(t *testing.T) {
	snap := fixture()
	m := New("test", func() Snapshot { return snap })
	m.BackupFinished("aes-prod", "hourly", ResultFailure, time.Minute)
	m.RestoreFinished("aes-staging", "drill", ResultFailure)
	if _, ok := value(families(t, m), "vaultkeeper_backup_runs_total", "policy=hourly", "result=failure"); !ok {
		t.Fatal("hourly's runs missing while declared")
	}
	snap.Policies, snap.Restores = snap.Policies[:1], snap.Restores[:1]
	fams := families(t, m)
	for _, name := range []string{"vaultkeeper_backup_runs_total", "vaultkeeper_backup_duration_seconds", "vaultkeeper_backup_last_success_timestamp_seconds"} {
		if v, ok := value(fams, name, "policy=hourly"); ok {
			t.Errorf("%s{policy=hourly} = %v after the policy was removed, want absent", name, v)
		}
	}
	if v, ok := value(fams, "vaultkeeper_restore_runs_total", "restore=drill"); ok {
		t.Errorf("restore_runs_total{restore=drill} = %v after the restore was removed, want absent", v)
	}
	if _, ok := value(fams, "vaultkeeper_backup_runs_total", "policy=nightly", "result=success"); !ok {
		t.Error("nightly's runs missing")
	}
}

func TestBuildInfo(t *testing.T) {
	fams := families(t, newFixed(Snapshot{}))
	if v, ok := value(fams, "vaultkeeper_build_info", "version=v1.2.3"); !ok || v != 1 {
		t.Errorf("build_info{version=v1.2.3} = %v, %v; want 1", v, ok)
	}
}

// scrape is the handler's response to a Prometheus-like GET of the text format.
func scrape(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s, %v:\n%s", resp.Status, err, body)
	}
	return string(body)
}

func TestPromtoolCheckMetrics(t *testing.T) {
	promtool := testtool.Require(t, "promtool")
	m := New("v1.2.3", fixture)
	m.BackupFinished("aes-prod", "nightly", ResultSuccess, time.Hour)
	m.DeclareSteps("backup", "stop-iis")
	body := scrape(t, m.Handler())
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	if !strings.Contains(body, "vaultkeeper_backup_last_success_timestamp_seconds{") {
		t.Errorf("the scrape lacks vaultkeeper metrics:\n%s", body)
	}
}

// Large is a snapshot of servers × policies, with a restore and a check per server.
func large(servers, policies int) Snapshot {
	var s Snapshot
	for i := range servers {
		srv := fmt.Sprintf("aes-%03d", i)
		for j := range policies {
			s.Policies = append(s.Policies, PolicyStatus{
				Server: srv, Policy: fmt.Sprintf("policy-%d", j), MaxAge: 26 * time.Hour,
				MinVerified: 2, VerifyInterval: 168 * time.Hour, LastSuccess: epoch, LastAttempt: epoch,
				LastVerified: epoch, SetsVerified: 5, Size: SetSize{Files: 1, Dump: 2, Total: 3}, FreeBytes: 1 << 40,
			})
		}
		s.Restores = append(s.Restores, RestoreStatus{Server: srv, Restore: "drill", RestoredBackupTime: epoch})
		s.Checks = append(s.Checks, CheckStatus{Server: srv, Check: "tnsnames", OK: true, LastRun: epoch})
	}
	s.Source = SourceStatus{LastSync: epoch, Revision: "0123abcd"}
	return s
}

// BenchmarkRender is one /metrics request for 100 servers × 3 policies (objective ≤ 20 ms).
func BenchmarkRender(b *testing.B) {
	snap := large(100, 3)
	m := New("bench", func() Snapshot { return snap })
	for i := range snap.Policies {
		m.BackupFinished(snap.Policies[i].Server, snap.Policies[i].Policy, ResultSuccess, time.Hour)
	}
	h := m.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept-Encoding", enc)
			w := &countingWriter{header: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK || w.n < 10_000 {
				b.Fatalf("status %d, %d bytes", w.code, w.n)
			}
			size := w.n
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(size), "body-bytes")
		})
	}
}

// countingWriter is a ResponseWriter that keeps only the status and the size, so that the
// benchmark measures the handler and not a test recorder's growing buffer.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *countingWriter) Header() http.Header  { return w.header }
func (w *countingWriter) WriteHeader(code int) { w.code = code }
func (w *countingWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}
