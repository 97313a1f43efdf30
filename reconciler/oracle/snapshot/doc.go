// Package snapshot records what a backup's Oracle export saw (catalog.OracleMeta: object
// counts by type from the data dictionary, rows per table from the export log, the
// warnings the policy let pass) and compares a restored schema with that record.
package snapshot
