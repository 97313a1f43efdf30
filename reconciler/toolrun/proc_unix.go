//go:build unix

package toolrun

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the program in a process group of its own and makes cancellation
// kill that whole group, so that children it started do not outlive it. (The group also
// keeps a terminal's Ctrl-C away from the tools: the agent decides how they stop.)
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = sysProcAttr()
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

// afterStart ties the program's life to the agent's where the system offers it before the
// start (Linux: Pdeathsig, see sysProcAttr); nothing more to do here.
func afterStart(*exec.Cmd) {}

// afterWait has nothing to release on Unix.
func afterWait(*exec.Cmd) {}
