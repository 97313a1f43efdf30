//go:build unix

package harness

import "syscall"

// terminate asks the agent to shut down gracefully: SIGTERM.
func terminate(a *Agent) error { return a.Cmd.Process.Signal(syscall.SIGTERM) }
