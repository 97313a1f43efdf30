// Package retention decides which backup sets a policy keeps: restic's `forget` rules
// (keep-last, hourly, daily, ISO-weekly, monthly, yearly buckets in the policy's time zone,
// keep-within and keep-within-hourly … -yearly counted back from the newest set in restic's
// calendar units (manifests/calendar: years and months added as restic's AddDate does), the
// oldest set kept when a bucket rule has counts left) applied to complete, verified sets only,
// plus vaultkeeper's safety floors. restic_test.go compares Plan with the real `restic forget`
// on random timestamps, zones and rules, every keep-within rule included.
//
// Plan is pure: it reads no clock and touches no disk. Every decision carries its reasons, so
// the caller can log why each set stays or goes.
//
// Rules for sets that do not count (not verified, or not complete):
//
//   - newer than the newest verified set: kept ("newer-than-verified"): they may still verify,
//     and removing them would throw away the most recent data;
//   - when no set is verified at all: every set is kept ("no-verified-set"): retention never
//     deletes the last copies of anything while verification is broken; alerts cover that;
//   - otherwise: removed, with the reasons "unverified" and/or "incomplete" and
//     "older-than-newest-verified".
//
// Floors over the counting sets: the newest verified set is always kept ("newest-verified"),
// and at least MinVerified (at least 1) verified sets are kept, the newest first
// ("min-verified"). Floor reasons appear only on sets the rules alone would have removed.
package retention
