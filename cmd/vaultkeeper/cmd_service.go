package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newServiceCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "service install|uninstall|start|stop",
		Short: "Manage vaultkeeper as a Windows service (Windows only)",
		Long: "service install takes every flag of `vaultkeeper run` and gives them to the service's run.\n" +
			"Each subcommand is idempotent and says what it did: installing an installed service updates\n" +
			"its flags, starting a running one or stopping a stopped one changes nothing, uninstalling an\n" +
			"absent one is no error. As a service the agent logs warnings and errors to the Event Log\n" +
			"(source vaultkeeper) and everything to vaultkeeper.log in the state dir (rotated).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serviceAction(cmd, args[0], o)
		},
	}
	addRunFlags(cmd.Flags(), o)
	return cmd
}

// serviceName is the Windows service name.
const serviceName = "vaultkeeper"

// serviceRunArgs are the arguments of the service's `vaultkeeper run`: every run flag given
// to `service install`, and the state dir and listen address always (their defaults depend
// on the account a service runs as).
func serviceRunArgs(f *pflag.FlagSet) []string {
	args := []string{"run"}
	f.VisitAll(func(fl *pflag.Flag) {
		if fl.Changed || fl.Name == "state-dir" || fl.Name == "listen" {
			args = append(args, fmt.Sprintf("--%s=%s", fl.Name, fl.Value.String()))
		}
	})
	return args
}
