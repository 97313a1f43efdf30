package harness

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// prepare puts the agent in its own console process group, so that terminate can send it
// CTRL_BREAK without reaching the test.
func prepare(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
}

// terminate asks the agent to shut down gracefully: CTRL_BREAK, which Go delivers to the
// agent as os.Interrupt. Stop kills the agent when this fails.
func terminate(cmd *exec.Cmd) error {
	return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(cmd.Process.Pid))
}
