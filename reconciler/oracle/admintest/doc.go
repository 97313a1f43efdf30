// Package admintest is the conformance suite every oracle.Admin implementation passes:
// Run(t, factory) drives one Admin through the restore runbook's life cycle of a schema
// user (create, grant, log on, revoke, drop while connected, drop again) and checks the
// counts of an existing schema, with the same expectations for go-ora against a real
// database and sqlplus against altium-sim.
package admintest
