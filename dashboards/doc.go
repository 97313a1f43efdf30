// Package dashboards holds the Grafana dashboard (vaultkeeper.json) and the Prometheus alert
// rules (alerts.yaml) shipped with vaultkeeper, and the tests that keep them honest: promtool
// checks, rule unit tests (testdata/alerts_test.yaml, a case that fires and one that must not
// for every alert), structural checks of the dashboard, and an end-to-end run in which a real
// Prometheus scrapes reconciler/metrics, answers every dashboard query and raises the stale
// alert. The harness for such runs is the sub-package promtest.
//
// The rules expect the agents to be scraped under job="vaultkeeper" (VaultkeeperAgentDown and
// the dashboard's Agents panel use it); every other rule works with any job name. Runbook
// links point at README.md#alert-<lower-case alert name>.
package dashboards
