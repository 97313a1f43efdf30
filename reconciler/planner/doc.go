// Package planner is the pure heart of the loop: given the desired state (this agent's
// manifests), the actual state (runtime records and the backup catalog) and the time, it
// says which actions are due now, and when the next one will be. It changes nothing, so
// `vaultkeeper plan` shows exactly what the loop would do, in words an admin checks in a
// pull request.
package planner
