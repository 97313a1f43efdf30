package simtool

import (
	"io"
	"os"
	"syscall"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/faults"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

// Env is one tool call's environment.
type Env struct {
	Host   host.Host
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Fault  faults.Fault
}

// Windows reports whether the simulated OS is Windows (ALTIUM_SIM_OS=windows), which
// changes Oracle's exit codes for "success with warnings".
func Windows() bool { return os.Getenv("ALTIUM_SIM_OS") == "windows" }

// ErrNoSpace is the error a disk-full fault makes writes fail with.
var ErrNoSpace error = syscall.ENOSPC

// DiskFullAfter is how many bytes a disk-full fault lets through.
const DiskFullAfter = 64 << 10

// DiskFullLimit is how many bytes of an output of about total bytes a disk-full fault
// lets through: DiskFullAfter, or half the output when that is smaller.
func DiskFullLimit(total int64) int64 {
	if total/2 < DiskFullAfter {
		return total / 2
	}
	return DiskFullAfter
}
