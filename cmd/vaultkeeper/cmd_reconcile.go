package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
)

func newReconcileCmd() *cobra.Command {
	var f apiFlags
	cmd := &cobra.Command{
		Use:   "reconcile [KIND/NAME]",
		Short: "Ask the agent to reconcile now (everything, source, policy/NAME, restore/NAME or server/NAME)",
		Long: "Without an argument the agent fetches its source and reconciles every server and policy now.\n" +
			"policy/NAME runs a backup and retention now; restore/NAME re-runs a restore, also one that\n" +
			"failed half-way: it is the only request that runs a restore. server/NAME runs its checks.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			obj := ""
			if len(args) == 1 {
				obj = args[0]
				if obj != "source" && !validObject(obj) {
					return usageErr(fmt.Errorf("%q: use KIND/NAME with KIND policy, restore or server", obj))
				}
			}
			if err := f.do(cmd.Context(), "POST", "/api/v1/reconcile", url.Values{"object": {obj}}, nil); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reconcile requested: %s\n", orAll(obj))
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func orAll(s string) string {
	if s == "" {
		return "everything"
	}
	return s
}

func validObject(o string) bool {
	kind, name, ok := strings.Cut(o, "/")
	return ok && name != "" && (kind == "policy" || kind == "restore" || kind == "server")
}

func newSuspendCmd(verb string) *cobra.Command {
	var f apiFlags
	cmd := &cobra.Command{
		Use:   verb + " policy/NAME",
		Short: map[string]string{"suspend": "Stop starting new backups of a policy (overrides the manifest until resumed)", "resume": "Undo suspend"}[verb],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !strings.HasPrefix(args[0], "policy/") || len(args[0]) == len("policy/") {
				return usageErr(fmt.Errorf("%s: %q: use policy/NAME", verb, args[0]))
			}
			if err := f.do(cmd.Context(), "POST", "/api/v1/"+verb, url.Values{"object": {args[0]}}, nil); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", verb, args[0])
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
