package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func newDowntimeGauge() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "backup_downtime_seconds",
		Help: "IIS downtime of the policy's last backup run that stopped IIS: from IIS stop to IIS start.",
	}, []string{"server", "policy"})
}

// BackupDowntime records how long the last backup run of server's policy had IIS down
// (spec.downtime vendor: avbackup and the export; minimal: avbackup only).
func (m *Metrics) BackupDowntime(server, policy string, d time.Duration) {
	m.mu.Lock()
	m.policies[[2]string{server, policy}] = struct{}{}
	m.mu.Unlock()
	m.backupDowntime.WithLabelValues(server, policy).Set(d.Seconds())
}
