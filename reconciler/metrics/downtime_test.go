package metrics

import (
	"strings"
	"testing"
	"time"
)

// TestBackupDowntime: the gauge holds the last run's IIS downtime per policy and goes
// with the policy.
func TestBackupDowntime(t *testing.T) {
	snap := fixture()
	m := New("v", func() Snapshot { return snap })
	m.BackupDowntime("aes-prod", "nightly", 1500*time.Millisecond)
	m.BackupDowntime("aes-prod", "nightly", 95*time.Second)
	want := `vaultkeeper_backup_downtime_seconds{policy="nightly",server="aes-prod"} 95`
	if got := render(t, m); !strings.Contains(got, want) {
		t.Fatalf("want %s in\n%s", want, got)
	}
	snap.Policies = snap.Policies[1:] // nightly removed from the manifests
	if got := render(t, m); strings.Contains(got, "backup_downtime_seconds{") {
		t.Fatalf("series of a removed policy kept:\n%s", got)
	}
}
