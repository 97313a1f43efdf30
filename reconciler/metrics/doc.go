// Package metrics is vaultkeeper's Prometheus instrumentation: every metric of DESIGN §7
// (prefix vaultkeeper_), on a private registry with the Go and process collectors.
//
// Two kinds of metrics live here:
//
//   - State, read at scrape time. Timestamps, sizes, set counts, check results and the
//     source revision come from a Snapshot that the loop provides through a function;
//     nothing is cached, so /metrics always shows what the store and the catalog say now.
//     restore_backup_age_seconds is computed at scrape time as now − the restored set's time.
//   - Events, counted by the loop through methods: BackupFinished, RestoreFinished,
//     Reconciled, StepFinished and SourceSyncFailed feed the counters and histograms.
//
// Every series of every policy, restore and check in the snapshot exists from the first
// scrape: the counters and the backup duration histogram get their label values (results
// "success" and "failure") for every declared policy and restore at each scrape, and the
// series of policies or restores no longer declared are deleted. reconcile_total has every
// kind × result from start-up; step_duration_seconds has the steps a runbook declares with
// DeclareSteps.
//
// Never-happened times are 0, not absent: a policy that never succeeded exports
// backup_last_success_timestamp_seconds 0, so dashboards and alerts can see it (the alert
// rules treat 0 as "never" and alert on it separately from staleness). Three series are
// absent by design when their value is unknown: destination_free_bytes (destination not
// measurable), restore_backup_age_seconds (nothing restored yet) and source_revision_info
// (no revision synced yet).
//
// No label carries a per-backup value (no set id, no time): labels are server, policy,
// restore, check, component (files, dump, total), verified (true, false), result (success,
// failure), kind, operation, step, revision (one series, the current one) and the build's
// version and goversion.
//
// Beyond DESIGN §7 the package exports three objectives from the manifests, so that alerts
// compare with each object's own objective as they do with backup_max_age_seconds:
// backup_min_verified, backup_verify_interval_seconds and restore_max_lag_seconds.
package metrics
