//go:build !linux

package host

import "time"

// MonoNow returns the wall clock in nanoseconds where no system-wide monotonic clock is
// reachable from the standard library.
func MonoNow() int64 { return time.Now().UnixNano() }

// ProcStart is MonoNow where the process's start time is not read.
func ProcStart() int64 { return MonoNow() }
