// Package notify delivers vaultkeeper's events (a backup that failed, a policy gone stale, a
// restore that succeeded or failed, an integrity check or a replica that failed) to the
// Notifier objects of the revision in force: a JSON POST to a webhook, optionally signed
// with HMAC-SHA256, or a mail over SMTP with STARTTLS.
//
// Delivery never blocks the caller. Each notifier has its own bounded queue and worker: a
// full queue drops its oldest message (counted in vaultkeeper_notify_dropped_total), a failed
// attempt is retried with capped exponential backoff unless the receiver refused the message
// for good (an HTTP 4xx other than 408/425/429, an SMTP 5xx, a certificate that does not
// verify), and Close drains the queues for a bounded time. Every message's final result is
// counted in vaultkeeper_notify_deliveries_total{notifier,result}.
//
// The reconciler publishes one Event per recorded outcome (Publish) and raises edge-triggered
// conditions (Raise, Clear) for states that last, such as a stale policy, so that a condition
// is reported once per episode rather than at every loop.
package notify
