//go:build linux

package host

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// MonoNow returns CLOCK_MONOTONIC in nanoseconds: comparable across processes.
func MonoNow() int64 {
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

// ProcStart returns when this process started, on MonoNow's clock: /proc/self/stat's
// starttime (clock ticks since boot, USER_HZ 100) moved from CLOCK_BOOTTIME to
// CLOCK_MONOTONIC. A tool call's recorded start then includes its exec and runtime start,
// as the caller sees it. Falls back to MonoNow.
func ProcStart() int64 {
	now := MonoNow()
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return now
	}
	// The command name (field 2) may hold spaces; the fields after its ")" are fixed.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 {
		return now
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64) // field 22: starttime
	if err != nil {
		return now
	}
	var boot syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 7, uintptr(unsafe.Pointer(&boot)), 0) // CLOCK_BOOTTIME
	start := ticks*10_000_000 - (boot.Nano() - now)
	if start > now || start < now-int64(10e9) {
		return now // implausible: keep the call's own clock
	}
	return start
}
