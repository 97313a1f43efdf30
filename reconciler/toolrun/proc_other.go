//go:build !unix

package toolrun

import "os/exec"

// setProcessGroup kills the program itself on cancellation. On Windows the Oracle tools
// vaultkeeper runs (exp, imp, expdp, impdp, sqlplus) do not start children, so a plain
// Kill ends the run; a job object would be needed to reach grandchildren.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Kill() }
}
