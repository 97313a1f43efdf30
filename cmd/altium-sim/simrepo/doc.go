// Package simrepo writes vaultkeeper manifests pointed at hosts made by `altium-sim init`:
// the Server document whose paths, tools and secrets are the simulated host's. The demo,
// the end-to-end tests and the Prometheus test build their manifests repos with it.
package simrepo
