// Package runbook runs an ordered list of small steps with one signature, the way the
// vendor's procedures are written: each step is journaled before it starts (so an agent
// that dies finds out on restart which step it died in), has its own timeout, and records
// its duration; the first error stops the list. Deferred steps (start IIS, revoke DBA)
// registered while the runbook runs always execute at the end, in reverse order, also after
// a failure, a timeout, a cancellation or a panic, under a context of their own.
package runbook
