package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

func newValidateCmd() *cobra.Command {
	var lim manifests.Limits
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Decode and validate manifests; print one line per error",
		Long: `Validate decodes every *.yaml and *.yml file under each PATH (a folder, the root of a
revision) or the single YAML file PATH, applies defaults and validates the whole as the agent
would. Each PATH is validated on its own: references must resolve within it.

Exit status: 0 when everything is valid ("N objects valid"), 1 when anything is invalid (one
line per error on stdout: file: Kind/name: field.path: message), 2 on usage errors.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr(errors.New("validate: at least one PATH is required"))
			}
			for _, p := range args {
				if _, err := os.Stat(p); err != nil {
					return usageErr(fmt.Errorf("validate: %w", err))
				}
			}
			objects, invalid := 0, manifests.ErrorList{}
			for _, p := range args {
				n, errs, err := validatePath(p, lim)
				if err != nil {
					return failf("validate %s: %w", p, err)
				}
				objects += n
				invalid = append(invalid, errs...)
			}
			out := cmd.OutOrStdout()
			if len(invalid) > 0 {
				fmt.Fprintln(out, invalid.Error())
				return failf("%d errors", len(invalid))
			}
			fmt.Fprintf(out, "%d objects valid\n", objects)
			return nil
		},
	}
	addManifestLimitFlags(cmd.Flags(), &lim)
	return cmd
}

// validatePath loads one folder or file and returns its object count or its errors, with
// the files named as PATH/relative so that editors can open them.
func validatePath(p string, lim manifests.Limits) (int, manifests.ErrorList, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return 0, nil, err
	}
	var set *manifests.Set
	if fi.IsDir() {
		set, err = lim.LoadDir(p)
	} else {
		set, err = lim.LoadFile(p)
	}
	var list manifests.ErrorList
	if errors.As(err, &list) {
		for i := range list {
			if fi.IsDir() {
				list[i].File = filepath.ToSlash(filepath.Join(p, filepath.FromSlash(list[i].File)))
			} else {
				list[i].File = filepath.ToSlash(p)
			}
		}
		return 0, list, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return set.Len(), nil, nil
}
