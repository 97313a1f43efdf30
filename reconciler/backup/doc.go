// Package backup is the backup runbook of DESIGN §4, in the seeds' order: the preflight
// (reconciler/preflight: tools, destination root, free space, Oracle logons; before
// anything is stopped) → the set's .partial folder → stop IIS, only inside the
// policy's window → avbackup → Oracle export → start IIS (always) → verify (L1 + L2) →
// write vaultkeeper.json → publish atomically (rename of the .partial folder) → copy to and
// verify in every replica (a failing replica does not fail the run; its outcome goes to
// Result.Replicas, for its own state and backoff). Retention runs in the loop after a
// successful backup.
package backup
