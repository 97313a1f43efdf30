//go:build linux

package host

import (
	"syscall"
	"unsafe"
)

// MonoNow returns CLOCK_MONOTONIC in nanoseconds: comparable across processes.
func MonoNow() int64 {
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}
