// Package hostfake is a test helper: the one in-process fake of the host adapters the
// runbooks drive (package host's IIS, avbackup and Oracle connection: admin statements,
// export, import, flashback, preflight logons). The reconciler's simulations use it
// through Hosts (a host.Factory, one Host per server) and the runbook packages' tests
// (reconciler/backup, reconciler/restore) pass a *Host as every adapter of a job.
//
// A Host records every call it is asked (Calls, in the words the runbook tests compare)
// and the host's observable steps (Events: IIS, avbackup, export/import, user and DBA
// statements, with the path or user and the clock's time, as the simulations read them).
// It writes small but structurally valid artifacts (a zip, a classic exp dump and its log
// that pass dumpid and oralog) so the real runbooks, publish and set verification run
// unchanged on it, and fails on demand (FailOn, FailExport and the other knobs).
// It is no model of the real tools: cmd/altium-sim is, for the end-to-end tests.
// Only tests import it.
package hostfake
