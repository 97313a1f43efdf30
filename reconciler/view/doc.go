// Package view is the agent's read model: what the backup catalog says about each policy
// (its sets, the replicas holding them, how many are verified, the newest set and its
// size), built once per catalog change and read by the planner, the HTTP API and /metrics,
// and the JSON shapes the API serves (`vaultkeeper get …`).
package view
