package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

var getKinds = []string{"servers", "policies", "backups", "restores", "checks"}

func newGetCmd() *cobra.Command {
	var f apiFlags
	var output string
	cmd := &cobra.Command{
		Use:       "get servers|policies|backups|restores|checks",
		Short:     "Show what a running agent knows",
		Args:      cobra.ExactArgs(1),
		ValidArgs: getKinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := args[0]
			if !contains(getKinds, kind) {
				return usageErr(fmt.Errorf("get: unknown kind %q (one of %s)", kind, strings.Join(getKinds, ", ")))
			}
			if output != "table" && output != "json" {
				return usageErr(fmt.Errorf("-o %q: table or json", output))
			}
			var raw json.RawMessage
			if err := f.do(cmd.Context(), "GET", "/api/v1/"+kind, nil, &raw); err != nil {
				return err
			}
			if output == "json" {
				_, err := cmd.OutOrStdout().Write(append(raw, '\n'))
				return err
			}
			return printTable(cmd.OutOrStdout(), kind, raw)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return time.Since(t).Round(time.Second).String() + " ago"
}

func ready(conds []state.Condition) string {
	for _, c := range conds {
		if c.Type == state.Ready {
			if c.Status == "True" {
				return "True"
			}
			return "False: " + c.Message
		}
	}
	return "Unknown"
}

func printTable(w io.Writer, kind string, raw json.RawMessage) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	switch kind {
	case "servers":
		var v []view.ServerView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		fmt.Fprintln(tw, "NAME\tPRODUCT\tALLOW-RESTORE\tCHECKS-OK\tCHECKS-FAILED")
		for _, s := range v {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%d\t%d\n", s.Name, s.Product, s.AllowRestore, s.ChecksOK, s.ChecksFailed)
		}
	case "policies":
		var v []view.PolicyView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		fmt.Fprintln(tw, "NAME\tSERVER\tSCHEDULE\tLAST-SUCCESS\tMAX-AGE\tSTALE\tVERIFIED-SETS\tSUSPENDED\tRUNNING\tNEXT\tREADY")
		for _, p := range v {
			next := "-"
			if !p.Next.IsZero() {
				next = p.Next.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%d\t%v\t%v\t%s\t%s\n", p.Name, p.Server, p.Schedule, ago(p.LastSuccess), p.MaxAge,
				p.Stale, p.SetsVerified, p.Suspended, p.Running, next, ready(p.Conditions))
		}
		replicaLines(tw, v)
	case "backups":
		var v []view.BackupView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		fmt.Fprintln(tw, "POLICY\tSET\tKIND\tVERIFIED\tSIZE\tDESTINATION")
		for _, b := range v {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%d\t%s\n", b.Policy, b.ID, b.Kind, b.Verified, b.SizeBytes, b.Destination)
		}
	case "restores":
		var v []view.RestoreView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		fmt.Fprintln(tw, "NAME\tSERVER\tSOURCE\tRESTORED-SET\tLAST-SUCCESS\tREADY")
		for _, r := range v {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Server, r.Source, r.RestoredSet, ago(r.LastSuccess), ready(r.Conditions))
		}
	case "checks":
		var v []state.Check
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		fmt.Fprintln(tw, "SERVER\tCHECK\tOK\tLAST-RUN\tMESSAGE")
		for _, c := range v {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", c.Server, c.Check, c.OK, ago(c.Time), c.Message)
		}
	}
	return nil
}

// replicaLines says, below the policies, which replica (spec.copies) is failing: it is
// retried after its own backoff and holds back nothing else.
func replicaLines(w io.Writer, ps []view.PolicyView) {
	for _, p := range ps {
		for _, r := range p.Replicas {
			if r.State != "failing" {
				continue
			}
			fmt.Fprintf(w, "replica %s of policy %s: failing (%d attempt(s), next %s, last success %s): %s\n",
				r.Destination, p.Name, r.Failures, r.RetryAt.Format(time.RFC3339), ago(r.LastSuccess), r.LastError)
		}
	}
}
