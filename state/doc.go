// Package state is vaultkeeper's embedded, crash-safe store: object status with conditions,
// the last applied and attempted revisions, the run journal and run history. Every write is
// atomic (temporary file, fsync, rename). The backup catalog on disk is in state/catalog.
package state
