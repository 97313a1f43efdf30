package metrics

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

var epoch = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// fixture is a snapshot with one healthy policy, one that never succeeded, a restore done,
// a restore never done, and two checks.
func fixture() Snapshot {
	return Snapshot{
		Policies: []PolicyStatus{{
			Server: "aes-prod", Policy: "nightly", MaxAge: 26 * time.Hour, MinVerified: 2,
			VerifyInterval: 168 * time.Hour,
			LastSuccess:    epoch.Add(-10 * time.Hour), LastAttempt: epoch.Add(-10 * time.Hour),
			LastVerified: epoch.Add(-30 * time.Hour), SetsVerified: 3, SetsUnverified: 1, FutureSets: 1,
			Size:      SetSize{Files: 1 << 30, Dump: 1 << 28, Total: 1<<30 + 1<<28 + 4096},
			FreeBytes: 500 << 30,
		}, {
			Server: "aes-prod", Policy: "hourly", MaxAge: 2 * time.Hour, MinVerified: 1,
			VerifyInterval: 24 * time.Hour, Running: true, LastAttempt: epoch.Add(-time.Minute),
			FreeBytes: -1,
		}},
		Restores: []RestoreStatus{{
			Server: "aes-staging", Restore: "staging-refresh", MaxLag: 168 * time.Hour,
			LastSuccess: epoch.Add(-24 * time.Hour), RestoredBackupTime: epoch.Add(-34 * time.Hour),
		}, {
			Server: "aes-staging", Restore: "drill",
		}},
		Checks: []CheckStatus{
			{Server: "aes-prod", Check: "tnsnames", OK: true, LastRun: epoch.Add(-time.Hour)},
			{Server: "aes-prod", Check: "iis-binding"},
		},
		Source: SourceStatus{LastSync: epoch.Add(-30 * time.Second), Revision: "0123abcd"}, Servers: 1,
	}
}

func newFixed(snap Snapshot) *Metrics {
	m := New("v1.2.3", func() Snapshot { return snap })
	m.now = func() time.Time { return epoch }
	return m
}

// render is the text exposition of the vaultkeeper_ families, build_info left out (its
// goversion label depends on the toolchain).
func render(t *testing.T, m *Metrics) string {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), Namespace+"_") || mf.GetName() == "vaultkeeper_build_info" {
			continue
		}
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatalf("encode %s: %v", mf.GetName(), err)
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	m := newFixed(fixture())
	m.BackupFinished("aes-prod", "nightly", ResultSuccess, 42*time.Minute)
	m.BackupFinished("aes-prod", "nightly", ResultFailure, 90*time.Second)
	m.RestoreFinished("aes-staging", "staging-refresh", ResultSuccess)
	m.Reconciled("BackupPolicy", ResultSuccess, 2*time.Second)
	m.DeclareSteps("backup", "stop-iis", "avbackup")
	m.StepFinished("backup", "avbackup", 20*time.Minute)
	m.SourceSyncFailed()
	got := render(t, m)
	testtool.Golden(t, filepath.Join("testdata", "metrics.golden"), []byte(got))
}

// contract is DESIGN §7 (plus the three objectives this package adds): every name and its
// label names, exactly.
var contract = map[string][]string{
	"backup_last_success_timestamp_seconds":  {"server", "policy"},
	"backup_last_attempt_timestamp_seconds":  {"server", "policy"},
	"backup_max_age_seconds":                 {"server", "policy"},
	"backup_running":                         {"server", "policy"},
	"backup_runs_total":                      {"server", "policy", "result"},
	"backup_duration_seconds":                {"server", "policy"},
	"backup_downtime_seconds":                {"server", "policy"},
	"backup_size_bytes":                      {"server", "policy", "component"},
	"backup_sets":                            {"server", "policy", "verified"},
	"backup_last_verified_timestamp_seconds": {"server", "policy"},
	"destination_free_bytes":                 {"server", "policy"},
	"restore_last_success_timestamp_seconds": {"server", "restore"},
	"restore_runs_total":                     {"server", "restore", "result"},
	"restore_backup_age_seconds":             {"server", "restore"},
	"check_ok":                               {"server", "check"},
	"check_last_run_timestamp_seconds":       {"server", "check"},
	"source_last_sync_timestamp_seconds":     nil,
	"source_sync_errors_total":               nil,
	"source_revision_info":                   {"revision"},
	"manifests_invalid":                      nil,
	"reconcile_total":                        {"kind", "result"},
	"reconcile_duration_seconds":             {"kind", "result"},
	"step_duration_seconds":                  {"operation", "step"},
	"build_info":                             {"version", "goversion"},
	// Added by this package (objectives from the manifests).
	"backup_min_verified":            {"server", "policy"},
	"backup_verify_interval_seconds": {"server", "policy"},
	"restore_max_lag_seconds":        {"server", "restore"},
	// Issue 14 (catalog.FutureSetsMetric).
	"backup_future_sets": {"server", "policy"},
	// Issue 16.
	"agent_servers": nil,
}

func families(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

func TestContract(t *testing.T) {
	m := newFixed(fixture())
	m.DeclareSteps("backup", "stop-iis")
	m.BackupDowntime("aes-prod", "nightly", 95*time.Second)
	fams := families(t, m)
	for name, want := range contract {
		mf, ok := fams[Namespace+"_"+name]
		if !ok {
			t.Errorf("%s: missing", name)
			continue
		}
		sort.Strings(want)
		for _, metric := range mf.GetMetric() {
			var got []string
			for _, l := range metric.GetLabel() {
				got = append(got, l.GetName())
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: labels %v, want %v", name, got, want)
			}
		}
	}
	for name := range fams {
		if n, ok := strings.CutPrefix(name, Namespace+"_"); ok {
			if _, ok := contract[n]; !ok {
				t.Errorf("%s: exported but not in the contract", name)
			}
		}
	}
}
