//go:build unix && !linux

package toolrun

import "syscall"

// sysProcAttr: other Unix systems have no parent-death signal.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
