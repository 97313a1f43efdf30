//go:build unix

package toolrun

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the program in a process group of its own and makes cancellation
// kill that whole group, so that children it started do not outlive it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
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
