// Package reconciler is vaultkeeper's loop: it compares the desired state (the manifests of
// this agent) with the actual state (the store and the backup catalog), plans actions, and
// runs them, one server at a time per server and servers in parallel. Runbooks, scheduling,
// retention, metrics and the host adapters (IIS, avbackup, Oracle) live in sub-packages.
package reconciler
