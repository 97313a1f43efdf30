// Package reconciler is vaultkeeper's loop: it compares the desired state (the manifests of
// this agent) with the actual state (the store and the backup catalog, read through the
// read model of reconciler/view), plans actions (reconciler/planner), and runs them, one
// at a time per server and servers in parallel. Each action's outcome is recorded in one
// place (record.go): journal into history, conditions, result, retry time and metrics.
// The runbooks (backup, restore) define their steps once; host wires a server's tools
// (IIS, avbackup, Oracle); api serves the agent over HTTP.
package reconciler
