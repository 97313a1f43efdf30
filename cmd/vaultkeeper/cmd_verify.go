package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
)

func newVerifyCmd() *cobra.Command {
	var (
		output string
		levels []string
		record bool
	)
	cmd := &cobra.Command{
		Use:   "verify SETDIR",
		Short: "Verify a backup set folder (sha256 of every file, zip CRCs, dump header, export log)",
		Long: `Verify checks the backup set in SETDIR against its vaultkeeper.json: L1, the size and
SHA-256 of every file, missing and extra files; L2, every zip entry decompressed with its
CRC-32 checked, entry names that would escape, the dump's header and the export log's final
verdict. It only reads, unless --record appends the results to vaultkeeper.json.

Exit status: 0 when the set verifies, 1 when it does not (each failing file and why on
stdout) or SETDIR is not a backup set, 2 on usage errors.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(errors.New("verify: exactly one SETDIR is required"))
			}
			if output != "json" && output != "table" {
				return usageErr(fmt.Errorf("-o %q: want json or table", output))
			}
			for _, l := range levels {
				if l != "L1" && l != "L2" {
					return usageErr(fmt.Errorf("--level %q: want L1 or L2", l))
				}
			}
			dir := args[0]
			rep, err := setverify.Verify(cmd.Context(), dir, levels...)
			if err != nil {
				return failf("%w", err)
			}
			if record {
				if err := setverify.Record(dir, rep); err != nil {
					return failf("%w", err)
				}
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				for _, v := range rep.Levels {
					state := "OK"
					if !v.OK {
						state = "FAIL"
					}
					fmt.Fprintf(out, "%-4s %s  %s\n", state, v.Level, v.Duration.Round(time.Millisecond))
				}
				for _, p := range rep.Problems {
					fmt.Fprintf(out, "  %s %s: %s\n", p.Level, p.File, p.Reason)
				}
			}
			if !rep.OK {
				files := map[string]bool{}
				var names []string
				for _, p := range rep.Problems {
					if !files[p.File] {
						files[p.File] = true
						names = append(names, p.File)
					}
				}
				return failf("set %s failed verification: %d problems in %s", dir, len(rep.Problems), strings.Join(names, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: json or table")
	cmd.Flags().StringSliceVar(&levels, "level", nil, "levels to run: L1, L2 (default both)")
	cmd.Flags().BoolVar(&record, "record", false, "append the results to the set's vaultkeeper.json")
	return cmd
}
