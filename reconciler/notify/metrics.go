package notify

import "github.com/prometheus/client_golang/prometheus"

// The values of deliveries_total's result label.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
)

type metrics struct {
	deliveries *prometheus.CounterVec
	dropped    *prometheus.CounterVec
	queued     *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vaultkeeper", Name: "notify_deliveries_total",
			Help: "Notifications by notifier and final result: success, or failure after the retries (or a permanent refusal).",
		}, []string{"notifier", "result"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vaultkeeper", Name: "notify_dropped_total",
			Help: "Notifications dropped undelivered: the oldest of a full queue, or still queued when the agent stopped or the notifier was removed.",
		}, []string{"notifier"}),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "vaultkeeper", Name: "notify_queue_length",
			Help: "Notifications waiting for delivery, by notifier.",
		}, []string{"notifier"}),
	}
	if reg != nil {
		reg.MustRegister(m.deliveries, m.dropped, m.queued)
	}
	return m
}

// declare creates a notifier's series so that they exist (at 0) before its first message.
func (m *metrics) declare(name string) {
	m.deliveries.WithLabelValues(name, ResultSuccess)
	m.deliveries.WithLabelValues(name, ResultFailure)
	m.dropped.WithLabelValues(name)
	m.queued.WithLabelValues(name)
}

// forget removes a removed notifier's series.
func (m *metrics) forget(name string) {
	m.deliveries.DeleteLabelValues(name, ResultSuccess)
	m.deliveries.DeleteLabelValues(name, ResultFailure)
	m.dropped.DeleteLabelValues(name)
	m.queued.DeleteLabelValues(name)
}
