// Package backup is the backup runbook of DESIGN §4, in the seeds' order: check the
// destination and its free space (before anything is stopped) → stop IIS, only inside the
// policy's window → avbackup → Oracle export → start IIS (always) → verify (L1 + L2) →
// write vaultkeeper.json → publish atomically (rename of the .partial folder) → copy to and
// verify in every replica. Retention runs in the loop after a successful backup.
package backup
