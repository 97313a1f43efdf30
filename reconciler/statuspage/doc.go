// Package statuspage renders the agent's read-only status page (GET / on the agent's
// listener): one server-rendered HTML document (html/template, every value escaped) with no
// external assets and no script, so it works offline and in any browser, for a shop that has
// no Prometheus or Grafana.
//
// It shows each server (its checks), each backup policy (last success, age against maxAge,
// verified sets, next run, last error, the run history with step timings and an inline SVG
// chart of set size and run duration over the last 30 backup runs) and each restore. It
// derives nothing: the api package fills [Data] from the same views the JSON API serves
// (package view), so the page and `vaultkeeper get` never disagree.
package statuspage
