package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// exitError carries an exit code through cobra back to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failf returns an error that makes vaultkeeper exit 1.
func failf(format string, args ...any) error {
	return &exitError{code: 1, err: fmt.Errorf(format, args...)}
}

// usageErr makes vaultkeeper exit 2.
func usageErr(err error) error { return &exitError{code: 2, err: err} }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "vaultkeeper",
		Short:         "GitOps backups and restores for Altium Enterprise Server / NEXUS Server with Oracle",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	for _, sub := range subcommands() {
		root.AddCommand(sub)
	}
	return root
}

// subcommands lists every subcommand; each lives in its own cmd_*.go file.
func subcommands() []*cobra.Command {
	return []*cobra.Command{
		newRunCmd(),
		newDemoCmd(),
		newValidateCmd(),
		newPlanCmd(),
		newGetCmd(),
		newReconcileCmd(),
		newSuspendCmd("suspend"),
		newSuspendCmd("resume"),
		newVerifyCmd(),
		newRetentionCmd(),
		newInspectCmd(),
		newServiceCmd(),
		newVersionCmd(),
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "vaultkeeper:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isUsageError(err) {
		return 2
	}
	return 1
}
