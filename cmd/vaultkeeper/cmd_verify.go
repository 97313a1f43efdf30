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
		output            string
		levels            []string
		record            bool
		keyFile, stateDir string
	)
	cmd := &cobra.Command{
		Use:   "verify SETDIR",
		Short: "Verify a backup set folder (sha256 of every file, zip CRCs, dump header, export log)",
		Long: `Verify checks the backup set in SETDIR against its vaultkeeper.json: L1, the size and
SHA-256 of every file, missing and extra files; L2, every zip entry decompressed with its
CRC-32 checked, entry names that would escape, the dump's header and the export log's final
verdict. It only reads, unless --record appends the results to vaultkeeper.json.

With --set-key-file (or --state-dir of an agent that generated its own key) it also checks
the record's HMAC-SHA256 signature; without a key it says the signature was not checked,
which is not a failure.

Exit status: 0 when the set verifies, 1 when it does not (each failing file and why on
stdout), its signature does not verify with the key given, or SETDIR is not a backup set,
2 on usage errors.`,
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
			keys, err := setKeyring(keyFile, stateDir)
			if err != nil {
				return usageErr(err)
			}
			rep, err := setverify.Verify(cmd.Context(), dir, levels...)
			if err != nil {
				return failf("%w", err)
			}
			sig := checkSignature(dir, keys)
			if record {
				if err := setverify.Record(dir, rep); err != nil {
					return failf("%w", err)
				}
			}
			out := cmd.OutOrStdout()
			if output == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(verifyReport{&rep, sig}); err != nil {
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
				state := "SKIP"
				if sig.Checked && sig.OK {
					state = "OK"
				} else if sig.Checked {
					state = "FAIL"
				}
				fmt.Fprintf(out, "%-4s signature  %s\n", state, sig.Reason)
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
			if sig.Checked && !sig.OK {
				return failf("set %s: signature: %s", dir, sig.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "table", "output format: json or table")
	cmd.Flags().StringSliceVar(&levels, "level", nil, "levels to run: L1, L2 (default both)")
	cmd.Flags().BoolVar(&record, "record", false, "append the results to the set's vaultkeeper.json")
	cmd.Flags().StringVar(&keyFile, "set-key-file", "", "set key file: check the record's signature with it")
	cmd.Flags().StringVar(&stateDir, "state-dir", "", "an agent's state folder: check the signature with the key it generated")
	return cmd
}
