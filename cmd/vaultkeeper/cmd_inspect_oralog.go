package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
)

// inspectOralog classifies an exp, imp, expdp or impdp log the way the runbooks do, under
// the default policy (checks/oralog.DefaultAccepted). JSON: {"tool", "verdict",
// "accepted", "codes", "reasons"}. Exit 1 when the default policy does not accept the log.
func inspectOralog(cmd *cobra.Command, path string, asJSON bool) error {
	f, err := os.Open(path)
	if err != nil {
		return failf("inspect oralog: %w", err)
	}
	defer f.Close()
	res, err := oralog.Parse(f)
	if err != nil {
		return failf("inspect oralog %s: %w", path, err)
	}
	d := oralog.Policy{}.Decide(res, "")
	out := struct {
		Tool     string   `json:"tool"`
		Verdict  string   `json:"verdict"`
		Accepted bool     `json:"accepted"`
		Codes    []string `json:"codes"`
		Reasons  []string `json:"reasons"`
	}{d.Tool, d.Verdict, d.Accepted, d.Codes, d.Reasons}
	if out.Tool == "" {
		out.Tool = "unknown"
	}
	if asJSON {
		if err := inspectWriteJSON(cmd.OutOrStdout(), out); err != nil {
			return err
		}
	} else {
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "tool:     %s\nverdict:  %s\naccepted: %v\ncodes:    %s\n", out.Tool, out.Verdict, out.Accepted, inspectDash(strings.Join(out.Codes, ", ")))
		for _, r := range out.Reasons {
			fmt.Fprintf(w, "reason:   %s\n", r)
		}
	}
	if !d.Accepted {
		return &exitError{code: 1, err: fmt.Errorf("inspect oralog %s: not accepted: %s", path, strings.Join(d.Reasons, "; "))}
	}
	return nil
}
