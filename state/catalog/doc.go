// Package catalog is the backup catalog: the backup sets found on disk under each policy's
// destination and replicas (`<destination>/<server>/<setID>/`), their metadata
// (vaultkeeper.json) and its atomic rewrite. The catalog is rebuilt from the destinations at
// start; folders that are not sets are reported, never touched.
package catalog
