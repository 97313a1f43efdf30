package main

import (
	"github.com/spf13/cobra"
)

func newServiceCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "service install|uninstall|start|stop",
		Short: "Manage vaultkeeper as a Windows service (Windows only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return serviceAction(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.source, "source", "", "for install: the run --source")
	f.StringVar(&o.agent, "agent", "", "for install: the run --agent")
	f.StringVar(&o.branch, "branch", "", "for install: the run --branch")
	f.StringVar(&o.path, "path", "", "for install: the run --path")
	f.StringVar(&o.stateDir, "state-dir", defaultStateDir(), "for install: the run --state-dir")
	f.StringVar(&o.listen, "listen", defaultListen, "for install: the run --listen")
	f.StringVar(&o.webhookSecretFile, "webhook-secret-file", "", "for install: the run --webhook-secret-file")
	f.StringVar(&o.verifyKeyring, "verify-keyring", "", "for install: the run --verify-keyring")
	f.StringVar(&o.setKeyFile, "set-key-file", "", "for install: the run --set-key-file")
	return cmd
}

// serviceName is the Windows service name.
const serviceName = "vaultkeeper"
