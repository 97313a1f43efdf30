// Package dashboards holds the Grafana dashboard (vaultkeeper.json) and the Prometheus alert
// rules (alerts.yaml) shipped with vaultkeeper, and the tests that keep them honest: promtool
// checks, rule unit tests, and an end-to-end run against a real Prometheus.
package dashboards
