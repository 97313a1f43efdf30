package metrics

import (
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace is the prefix of every vaultkeeper metric.
const Namespace = "vaultkeeper"

// The values of the result label.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Results are the values of the result label, initialised for every declared object.
var Results = []string{ResultSuccess, ResultFailure}

// Kinds are the values of reconcile_total's kind label, initialised at start-up: the
// manifest kinds.
var Kinds = []string{"Server", "BackupPolicy", "Restore"}

// Histogram buckets, in seconds.
var (
	// BackupBuckets span a whole backup run, one minute to four hours; few, because every
	// policy has its own histogram.
	BackupBuckets = []float64{60, 300, 900, 1800, 3600, 7200, 14400}
	// ReconcileBuckets span one reconcile of one object, which may include a run.
	ReconcileBuckets = []float64{0.01, 0.1, 1, 10, 60, 300, 1800, 3600, 7200, 14400}
	// StepBuckets span one runbook step, from a service stop to a dump.
	StepBuckets = []float64{0.1, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200}
)

// Metrics is vaultkeeper's instrumentation. Its methods are safe for concurrent use.
type Metrics struct {
	reg  *prometheus.Registry
	snap func() Snapshot
	now  func() time.Time

	backupRuns     *prometheus.CounterVec
	backupDuration *prometheus.HistogramVec
	restoreRuns    *prometheus.CounterVec
	reconciles     *prometheus.CounterVec
	reconcileDur   *prometheus.HistogramVec
	stepDuration   *prometheus.HistogramVec
	syncErrors     prometheus.Counter
	backupDowntime *prometheus.GaugeVec

	mu       sync.Mutex
	policies map[[2]string]struct{} // server, policy of the series created so far
	restores map[[2]string]struct{} // server, restore of the series created so far
}

// New returns the metrics of one agent: version is the build's version, snap returns the
// current state and is called once per scrape.
func New(version string, snap func() Snapshot) *Metrics {
	m := &Metrics{
		reg:      prometheus.NewRegistry(),
		snap:     snap,
		now:      time.Now,
		policies: map[[2]string]struct{}{},
		restores: map[[2]string]struct{}{},
		backupRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "backup_runs_total",
			Help: "Finished backup runs by result (success, failure).",
		}, []string{"server", "policy", "result"}),
		backupDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "backup_duration_seconds",
			Help: "Duration of finished backup runs, successful or not.", Buckets: BackupBuckets,
		}, []string{"server", "policy"}),
		restoreRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "restore_runs_total",
			Help: "Finished restore runs by result (success, failure).",
		}, []string{"server", "restore", "result"}),
		reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "reconcile_total",
			Help: "Reconciles of one object by kind and result (success, failure).",
		}, []string{"kind", "result"}),
		reconcileDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "reconcile_duration_seconds",
			Help: "Duration of the reconcile of one object, by kind and result.", Buckets: ReconcileBuckets,
		}, []string{"kind", "result"}),
		stepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "step_duration_seconds",
			Help: "Duration of runbook steps by operation (backup, restore, …) and step.", Buckets: StepBuckets,
		}, []string{"operation", "step"}),
		syncErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "source_sync_errors_total",
			Help: "Failed fetches of the manifests source.",
		}),
		backupDowntime: newDowntimeGauge(),
	}
	for _, k := range Kinds {
		for _, r := range Results {
			m.reconciles.WithLabelValues(k, r)
			m.reconcileDur.WithLabelValues(k, r)
		}
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info",
		Help:        "Always 1; the labels name the build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	build.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, m.reconciles, m.reconcileDur, m.stepDuration, m.syncErrors,
		&collector{m: m},
	)
	return m
}

// Registry is the private registry, for tests and for adding collectors of other packages.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves /metrics from the private registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.InstrumentMetricHandler(m.reg, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.HTTPErrorOnError,
	}))
}

// BackupFinished counts a finished backup run of server's policy with result (ResultSuccess
// or ResultFailure) and records its duration d.
func (m *Metrics) BackupFinished(server, policy, result string, d time.Duration) {
	m.mu.Lock()
	m.policies[[2]string{server, policy}] = struct{}{}
	m.mu.Unlock()
	m.backupRuns.WithLabelValues(server, policy, result).Inc()
	m.backupDuration.WithLabelValues(server, policy).Observe(d.Seconds())
}

// RestoreFinished counts a finished run of the Restore named restore on server with result
// (ResultSuccess or ResultFailure).
func (m *Metrics) RestoreFinished(server, restore, result string) {
	m.mu.Lock()
	m.restores[[2]string{server, restore}] = struct{}{}
	m.mu.Unlock()
	m.restoreRuns.WithLabelValues(server, restore, result).Inc()
}

// Reconciled counts a reconcile of one object of kind (a manifest kind) with result
// (ResultSuccess or ResultFailure) and records its duration d.
func (m *Metrics) Reconciled(kind, result string, d time.Duration) {
	m.reconciles.WithLabelValues(kind, result).Inc()
	m.reconcileDur.WithLabelValues(kind, result).Observe(d.Seconds())
}

// StepFinished records the duration d of one runbook step of operation (backup, restore, …).
func (m *Metrics) StepFinished(operation, step string, d time.Duration) {
	m.stepDuration.WithLabelValues(operation, step).Observe(d.Seconds())
}

// DeclareSteps creates the step_duration_seconds series of operation's steps, so that they
// exist before the first run. Runbooks call it once with their ordered step names.
func (m *Metrics) DeclareSteps(operation string, steps ...string) {
	for _, s := range steps {
		m.stepDuration.WithLabelValues(operation, s)
	}
}

// SourceSyncFailed counts a failed fetch of the manifests source.
func (m *Metrics) SourceSyncFailed() { m.syncErrors.Inc() }
