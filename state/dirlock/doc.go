// Package dirlock makes a state dir belong to one agent process at a time: an exclusive,
// non-blocking lock on <state dir>/agent.lock (flock on Unix, LockFileEx on Windows), held
// for the life of the process and released by the OS when it dies, so a crash never leaves
// a stale lock. The file also names the holder (agent, pid, host, since), so a second agent
// can say who is in the way.
//
// On Windows LockFileEx locks are mandatory: a locked byte range cannot be read by another
// process. The lock therefore covers one byte far past the end of the file, and the holder's
// description at the start of the file stays readable. On Linux, flock on NFS is emulated
// with byte-range locks since 2.6.12 (and is local only with the local_lock mount option):
// keep the state dir on a local disk.
//
// The package also gives each state dir a stable instance id (<state dir>/agent-id), which
// server leases use to recognise their own stale lease after a crash.
package dirlock
