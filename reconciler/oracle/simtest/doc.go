// Package simtest builds cmd/altium-sim once per test binary and creates simulated hosts
// for the Oracle tests: Main(m) in TestMain, then Init(t, flags...) per test.
package simtest
