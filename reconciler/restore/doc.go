// Package restore is the restore runbook of DESIGN §4, in the seeds' order, built like a
// safety-critical tool: verify the chosen set (L1+L2) right before use → safety backup of the
// target → stop IIS → avbackup restore → drop the schema user (cascade; when ORA-01940 says
// sessions remain, the admin locks the account, ends them and retries) → create the user →
// grant DBA temporarily (revoked by a deferred step that always runs once granted) → import
// → revoke DBA → verify (tnsnames alias, IIS binding host, LocalVault keys, Oracle login,
// object and row counts against the set's record) → start IIS (always).
package restore
