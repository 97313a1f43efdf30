package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

func newPlanCmd() *cobra.Command {
	var stateDir, agent, output, keyFile string
	cmd := &cobra.Command{
		Use:   "plan PATH",
		Short: "Show what the agent would do now with the manifests in PATH, changing nothing",
		Long: "plan reads the manifests in PATH, the agent's state (if --state-dir exists) and the backup\n" +
			"sets on disk, and prints the actions due now in words an admin checks in a pull request:\n" +
			"which set a restore uses, on which host, the DROP USER it issues and the safety backup.\n" +
			"Set records are checked with --set-key-file, else the key the agent generated in --state-dir;\n" +
			"without either, no signed set can be checked and none is planned for a restore.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErr(fmt.Errorf("-o %q: text or json", output))
			}
			set, err := manifests.LoadDir(args[0])
			if err != nil {
				var list manifests.ErrorList
				if errors.As(err, &list) {
					fmt.Fprintln(cmd.OutOrStdout(), list.Error())
					return failf("%s: %d invalid manifest error(s); nothing planned", args[0], len(list))
				}
				return failf("%s: %w", args[0], err)
			}
			all := set
			if agent != "" {
				set = set.ForAgent(agent)
			}
			st := state.Status{}
			if _, err := os.Stat(stateDir); err == nil {
				st, err = readStatus(stateDir)
				if err != nil {
					return failf("%w", err)
				}
			}
			cat, _, err := catalog.Scan(cmd.Context(), view.Roots(set, all))
			if err != nil {
				return failf("%w", err)
			}
			keys, err := planKeyring(keyFile, stateDir)
			if err != nil {
				return failf("%w", err)
			}
			if keys == nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: no set key (--set-key-file, or %s in --state-dir %s): set signatures are not checked, no signed set is planned for a restore\n", setsig.StateKeyFile, stateDir)
			}
			now := time.Now()
			model := view.Build(set, all, cat, view.Trust{Now: now, Keys: keys})
			p := planner.Compute(set, all, reconciler.Actual(set, st, model, nil), now)
			if output == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			printPlan(cmd.OutOrStdout(), p)
			return nil
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", defaultStateDir(), "the agent's state folder (read only; absent means a fresh agent)")
	cmd.Flags().StringVar(&agent, "agent", "", "plan only this agent's servers")
	cmd.Flags().StringVar(&keyFile, "set-key-file", "", "set key file the agent runs with (default: the key it generated in --state-dir)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

// planKeyring is the set keys `plan` judges sets with: --set-key-file, else the key the
// agent generated in stateDir (read, never created), else none.
func planKeyring(keyFile, stateDir string) (*setsig.Keyring, error) {
	if keyFile != "" {
		return setsig.Load(keyFile)
	}
	p := filepath.Join(stateDir, setsig.StateKeyFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return setsig.Load(p)
}

// readStatus reads the agent's status without opening the store for writing.
func readStatus(dir string) (state.Status, error) {
	return state.ReadStatus(dir)
}

func printPlan(w io.Writer, p planner.Plan) {
	if len(p.Actions) == 0 {
		fmt.Fprintln(w, "Nothing to do now.")
	}
	for _, a := range p.Actions {
		mark := ""
		if a.Destructive {
			mark = " [DESTRUCTIVE]"
		}
		fmt.Fprintf(w, "%s %s on %s%s: %s\n", a.Kind, a.Object, a.Server, mark, a.Reason)
		if len(a.Sets) > 0 {
			fmt.Fprintf(w, "  sets: %s\n", strings.Join(a.Sets, ", "))
		}
		for i, s := range a.Steps {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s)
		}
	}
	for _, b := range p.Blocked {
		fmt.Fprintf(w, "blocked %s on %s: %s\n", b.Object, b.Server, b.Reason)
	}
	for _, wt := range p.Waiting {
		fmt.Fprintf(w, "later %s %s at %s: %s\n", wt.Kind, wt.Object, wt.At.Format(time.RFC3339), wt.Reason)
	}
}
