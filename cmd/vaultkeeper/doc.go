// Command vaultkeeper is the agent and its command line: run, demo, validate, plan, get,
// reconcile, suspend, resume, verify, retention, inspect, service and version. main only
// wires the subcommands (one file each, cmd_*.go) together and maps errors to exit codes:
// 0 success, 1 failure (invalid manifests, a failed verification), 2 usage errors.
package main
