// Package promtest runs a real Prometheus (Debian's prometheus binary) for tests: it writes
// a configuration that scrapes the given targets every second under job "vaultkeeper" and
// evaluates the given rule files every second, starts Prometheus on a free 127.0.0.1 port
// with its own temporary data folder, and stops it when the test ends. Queries and alerts go
// through Prometheus' HTTP API, as Grafana and Alertmanager would see them.
//
// Tests that use it skip when prometheus is not installed, and fail under CI=true
// (testtool.Require).
package promtest
