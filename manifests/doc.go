// Package manifests is vaultkeeper's desired-state API (apiVersion vaultkeeper.io/v1alpha1):
// the Server, BackupPolicy and Restore kinds, their strict decoding from YAML, the one
// function that applies defaults, validation that reports every error of a revision with
// its file, object and field path, and the JSON Schema generated from the types.
//
// A revision (a git commit or a folder's content) is loaded with LoadDir; it is either
// valid as a whole or rejected as a whole.
package manifests
