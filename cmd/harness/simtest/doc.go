// Package simtest creates simulated hosts (altium-sim init) for the tests of the Oracle
// drivers and runners: Init(t, flags...) per test. The altium-sim binary comes from the
// harness (built once per test run, or taken from VAULTKEEPER_TEST_BIN_DIR).
package simtest
