// Package view is the agent's read model: what the backup catalog says about each policy
// (its sets, the replicas holding them, how many are verified, the newest set and its
// size), built once per catalog change and read by the planner, the HTTP API and /metrics,
// and the JSON shapes the API serves (`vaultkeeper get …`). The model trusts nothing a
// NAS writer could choose (issue 14): sets dated more than an hour ahead are left out of
// everything but the list of backups, and each set carries the verdict on its record's
// signature for the planner to restore only trusted ones.
package view
