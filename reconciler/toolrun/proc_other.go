//go:build !unix && !windows

package toolrun

import "os/exec"

// setProcessGroup kills the program itself on cancellation.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Kill() }
}

func afterStart(*exec.Cmd) {}

func afterWait(*exec.Cmd) {}
