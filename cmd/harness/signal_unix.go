//go:build unix

package harness

import (
	"os/exec"
	"syscall"
)

func prepare(*exec.Cmd) {}

// terminate asks the agent to shut down gracefully.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }
