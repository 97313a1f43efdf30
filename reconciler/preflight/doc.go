// Package preflight proves, before a runbook stops IIS, that the run can work: the tools
// it will start exist and are executable where the host adapters start them (on Windows
// with the PATHEXT resolution os/exec and cmd.exe use), the primary destination's root
// exists and is writable (it is never created: a missing root is an unmounted drive or
// share, and a backup must not fill the system disk instead), it has room for the set, and
// the Oracle logins work. A failure is classified once, here: configuration errors that
// only a person can fix (a missing tool or destination root, ORA-01017: retrying would
// lock the account after FAILED_LOGIN_ATTEMPTS) are outcome.Stalled; the rest (free
// space, a database that is not reachable) are plain errors, retried with backoff.
//
// The runbooks run these checks as their `preflight` step (backup.Steps, restore.Steps);
// Fingerprint tells the loop when a stalled policy's files changed so it tries again.
package preflight
