// Package outcome types the errors of a reconcile by what the loop should do next, in one
// place: Stalled (a person must fix something; no retry until the spec or the host changes),
// Waiting (retry at a known time, such as the next maintenance window), and anything else,
// which is transient and retried with capped exponential backoff (see Backoff).
package outcome
