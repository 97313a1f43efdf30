// Package lease keeps two agents from running runbooks on one server at once, even with
// different state dirs: a lease file in the server's install dir (vaultkeeper.lease) names
// the agent and state dir that hold it and when it expires. The holder renews it (heartbeat)
// while a runbook runs and removes it afterwards.
//
// A lease is taken when there is none, when it has expired, or when it is the taker's own
// (same agent name and same state dir instance id, see state/dirlock): an agent that holds
// its state-dir lock is the only live process of that state dir, so a lease of its own is
// left over from a crash and is taken over (recovery must be able to start IIS). A live
// lease of anyone else is refused, naming the holder.
//
// A new lease is created with a hard link, which fails when the file exists; a stale lease
// is replaced by a rename and read back. Two agents taking over the same expired lease in
// the same instant can both believe they hold it until the next heartbeat, which checks
// ownership before every renewal and reports the loss.
package lease
