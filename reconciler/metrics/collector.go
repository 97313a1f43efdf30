package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
}

var (
	sp = []string{"server", "policy"}
	sr = []string{"server", "restore"}
	sc = []string{"server", "check"}

	descLastSuccess    = desc("backup_last_success_timestamp_seconds", "Start time (set id) of the newest complete backup set; 0 when none.", sp...)
	descLastAttempt    = desc("backup_last_attempt_timestamp_seconds", "Start time of the most recent backup run, finished or not; 0 when none.", sp...)
	descMaxAge         = desc("backup_max_age_seconds", "The policy's freshness objective (spec.maxAge).", sp...)
	descMinVerified    = desc("backup_min_verified", "The policy's minimum number of verified sets (spec.retention.minVerified).", sp...)
	descVerifyInterval = desc("backup_verify_interval_seconds", "The policy's re-verification interval (spec.verify.interval).", sp...)
	descRunning        = desc("backup_running", "1 while a backup run of the policy is in flight, else 0.", sp...)
	descSize           = desc("backup_size_bytes", "Size of the newest backup set by component (files, dump, total); 0 before the first set.", "server", "policy", "component")
	descSets           = desc("backup_sets", "Complete backup sets kept, by verification state (verified: true, false).", "server", "policy", "verified")
	descFutureSets     = desc("backup_future_sets", "Sets dated more than an hour ahead: ignored for last success, due times, retention and latest.", sp...)
	descLastVerified   = desc("backup_last_verified_timestamp_seconds", "Every kept set was verified at or after this time; 0 when none was verified.", sp...)
	descFree           = desc("destination_free_bytes", "Free space of the policy's destination file system; absent when unknown.", sp...)
	descRestoreSuccess = desc("restore_last_success_timestamp_seconds", "End time of the most recent successful restore; 0 when none.", sr...)
	descRestoreAge     = desc("restore_backup_age_seconds", "Age of the backup set the server holds through this restore, at scrape time; absent before the first restore.", sr...)
	descRestoreMaxLag  = desc("restore_max_lag_seconds", "The restore's spec.maxLag; 0 when it has none.", sr...)
	descCheckOK        = desc("check_ok", "1 when the integrity check passed at its last run, else 0.", sc...)
	descCheckLastRun   = desc("check_last_run_timestamp_seconds", "Time of the integrity check's last run; 0 when never.", sc...)
	descSourceSync     = desc("source_last_sync_timestamp_seconds", "Time of the last successful fetch of the manifests source; 0 when never.")
	descRevision       = desc("source_revision_info", "Always 1; revision is the manifests revision in force.", "revision")
	descInvalid        = desc("manifests_invalid", "1 while the newest revision of the source is rejected as invalid, else 0.")
	descAgentServers   = desc("agent_servers", "Servers this agent owns (spec.agent) in the revision in force; absent before the first revision.")
	descReplicaFailing = desc("replica_failing", "1 while the last attempt to copy the policy's sets to this replica (spec.copies) failed, else 0.", "server", "policy", "destination")
	descReplicaSuccess = desc("replica_last_success_timestamp_seconds", "Time of the last successful copy to this replica; 0 when never (since the state dir began).", "server", "policy", "destination")
	descObligations    = desc("recovery_obligations_pending", "Recovery obligations (start IIS, revoke DBA) a crashed run left and that have not succeeded yet; retried with capped backoff.", "server", "kind")

	stateDescs = []*prometheus.Desc{
		descLastSuccess, descLastAttempt, descMaxAge, descMinVerified, descVerifyInterval,
		descRunning, descSize, descSets, descLastVerified, descFree, descRestoreSuccess,
		descRestoreAge, descRestoreMaxLag, descCheckOK, descCheckLastRun, descSourceSync,
		descRevision, descInvalid, descFutureSets, descAgentServers, descReplicaFailing, descReplicaSuccess, descObligations,
	}
)

// The values of backup_size_bytes' component label.
const (
	ComponentFiles = "files"
	ComponentDump  = "dump"
	ComponentTotal = "total"
)

// collector exports the snapshot's state and the per-policy and per-restore event series,
// whose label values it keeps in step with the declared objects.
type collector struct{ m *Metrics }

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range stateDescs {
		ch <- d
	}
	c.m.backupRuns.Describe(ch)
	c.m.backupDuration.Describe(ch)
	c.m.restoreRuns.Describe(ch)
	c.m.backupDowntime.Describe(ch)
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	s := m.snap()
	now := m.now()
	m.syncDeclared(s)
	m.backupRuns.Collect(ch)
	m.backupDuration.Collect(ch)
	m.restoreRuns.Collect(ch)
	m.backupDowntime.Collect(ch)

	for i := range s.Policies {
		p := &s.Policies[i]
		gauge(ch, descLastSuccess, unix(p.LastSuccess), p.Server, p.Policy)
		gauge(ch, descLastAttempt, unix(p.LastAttempt), p.Server, p.Policy)
		gauge(ch, descMaxAge, p.MaxAge.Seconds(), p.Server, p.Policy)
		gauge(ch, descMinVerified, float64(p.MinVerified), p.Server, p.Policy)
		gauge(ch, descVerifyInterval, p.VerifyInterval.Seconds(), p.Server, p.Policy)
		gauge(ch, descRunning, boolean(p.Running), p.Server, p.Policy)
		gauge(ch, descSize, float64(p.Size.Files), p.Server, p.Policy, ComponentFiles)
		gauge(ch, descSize, float64(p.Size.Dump), p.Server, p.Policy, ComponentDump)
		gauge(ch, descSize, float64(p.Size.Total), p.Server, p.Policy, ComponentTotal)
		gauge(ch, descSets, float64(p.SetsVerified), p.Server, p.Policy, "true")
		gauge(ch, descSets, float64(p.SetsUnverified), p.Server, p.Policy, "false")
		gauge(ch, descLastVerified, unix(p.LastVerified), p.Server, p.Policy)
		gauge(ch, descFutureSets, float64(p.FutureSets), p.Server, p.Policy)
		if p.FreeBytes >= 0 {
			gauge(ch, descFree, float64(p.FreeBytes), p.Server, p.Policy)
		}
		for _, r := range p.Replicas {
			gauge(ch, descReplicaFailing, boolean(r.Failing), p.Server, p.Policy, r.Destination)
			gauge(ch, descReplicaSuccess, unix(r.LastSuccess), p.Server, p.Policy, r.Destination)
		}
	}
	for i := range s.Restores {
		r := &s.Restores[i]
		gauge(ch, descRestoreSuccess, unix(r.LastSuccess), r.Server, r.Restore)
		gauge(ch, descRestoreMaxLag, r.MaxLag.Seconds(), r.Server, r.Restore)
		if !r.RestoredBackupTime.IsZero() {
			gauge(ch, descRestoreAge, now.Sub(r.RestoredBackupTime).Seconds(), r.Server, r.Restore)
		}
	}
	for i := range s.Checks {
		k := &s.Checks[i]
		gauge(ch, descCheckOK, boolean(k.OK), k.Server, k.Check)
		gauge(ch, descCheckLastRun, unix(k.LastRun), k.Server, k.Check)
	}
	gauge(ch, descSourceSync, unix(s.Source.LastSync))
	if s.Source.Revision != "" {
		gauge(ch, descRevision, 1, s.Source.Revision)
	}
	gauge(ch, descInvalid, boolean(s.ManifestsInvalid))
	if s.Source.Revision != "" {
		gauge(ch, descAgentServers, float64(s.Servers))
	}
	for _, o := range s.Obligations {
		gauge(ch, descObligations, float64(o.Pending), o.Server, o.Kind)
	}
}

// syncDeclared gives every declared policy and restore its counter and histogram series and
// deletes those of policies and restores no longer declared.
func (m *Metrics) syncDeclared(s Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	policies := make(map[[2]string]struct{}, len(s.Policies))
	for _, p := range s.Policies {
		k := [2]string{p.Server, p.Policy}
		policies[k] = struct{}{}
		m.policies[k] = struct{}{}
		for _, r := range Results {
			m.backupRuns.WithLabelValues(p.Server, p.Policy, r)
		}
		m.backupDuration.WithLabelValues(p.Server, p.Policy)
	}
	for k := range m.policies {
		if _, ok := policies[k]; !ok {
			l := prometheus.Labels{"server": k[0], "policy": k[1]}
			m.backupRuns.DeletePartialMatch(l)
			m.backupDuration.DeletePartialMatch(l)
			m.backupDowntime.DeletePartialMatch(l)
			delete(m.policies, k)
		}
	}
	restores := make(map[[2]string]struct{}, len(s.Restores))
	for _, r := range s.Restores {
		k := [2]string{r.Server, r.Restore}
		restores[k] = struct{}{}
		m.restores[k] = struct{}{}
		for _, res := range Results {
			m.restoreRuns.WithLabelValues(r.Server, r.Restore, res)
		}
	}
	for k := range m.restores {
		if _, ok := restores[k]; !ok {
			m.restoreRuns.DeletePartialMatch(prometheus.Labels{"server": k[0], "restore": k[1]})
			delete(m.restores, k)
		}
	}
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(d, prometheus.GaugeValue, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	ch <- m
}

// unix is t in seconds since the epoch, 0 for the zero time ("never").
func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}

func boolean(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
