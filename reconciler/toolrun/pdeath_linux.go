//go:build linux

package toolrun

import "syscall"

// sysProcAttr makes the kernel kill the program when the agent dies (SIGKILL, a crash):
// otherwise a `net stop` or an `imp` orphaned by a dead agent could finish after the
// restarted agent recovered the host, and undo that recovery.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
