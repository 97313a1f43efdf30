// Package restorerecord is the record of the restores applied to a target, kept in the
// target's install dir (vaultkeeper-restores.jsonl) rather than in the agent's state dir, so
// that a lost, reset or second state dir cannot make a restore look new.
//
// The record is append-only: one JSON line per event, each carrying the SHA-256 of its entry,
// written with O_APPEND and fsynced before the call returns. A "begun" line is written before
// the first destructive step of a restore and a "completed" line after its verification. A
// crash between them leaves the restore incomplete; a crash during an append leaves a torn
// last line, which the reader reports and never takes for an event.
//
// Decide turns what the state dir says and what the record says into run, done or held: the
// target's record decides, and a disagreement holds the Restore until someone asks for it
// explicitly with `vaultkeeper reconcile restore/NAME`.
package restorerecord
