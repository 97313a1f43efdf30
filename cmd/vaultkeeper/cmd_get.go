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

var getKinds = []string{"servers", "policies", "backups", "restores", "checks", "runs", "source"}

func newGetCmd() *cobra.Command {
	var f apiFlags
	var output string
	cmd := &cobra.Command{
		Use:       "get servers|policies|backups|restores|checks|runs|source",
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
		fmt.Fprintln(tw, "POLICY\tSET\tKIND\tVERIFIED\tSIZE\tDESTINATION\tSIGNATURE\tORPHANED")
		for _, b := range v {
			sig := b.Signature
			if b.Future {
				sig += " (future: ignored)"
			}
			orphaned := "-"
			if b.Orphaned != "" {
				orphaned = b.Orphaned // kept, never deleted
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%d\t%s\t%s\t%s\n", b.Policy, b.ID, b.Kind, b.Verified, b.SizeBytes, b.Destination, sig, orphaned)
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
	case "runs":
		var v []view.RunView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		printRuns(tw, v)
	case "source":
		var v view.SourceView
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		tw.Flush()
		printSource(w, v)
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

// printRuns writes the run history, oldest first, each run followed by its steps.
func printRuns(tw io.Writer, runs []view.RunView) {
	fmt.Fprintln(tw, "STARTED\tOBJECT\tKIND\tRESULT\tDURATION\tSET\tERROR")
	for _, r := range runs {
		errText := r.Error
		if r.FailedStep != "" && !strings.Contains(errText, r.FailedStep) {
			errText = r.FailedStep + ": " + errText
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Started.Format(time.RFC3339), r.Object, r.Kind, r.Result,
			runDuration(r.DurationSeconds, !r.Finished.IsZero()), r.Set, oneLine(errText))
		for _, s := range r.Steps {
			fmt.Fprintf(tw, "\t  %s\t\t%s\t%s\t\t%s\n", s.Name, s.State, runDuration(s.DurationSeconds, s.State != state.StepStarted && s.State != state.StepSkipped), oneLine(s.Error))
		}
	}
}

// runDuration writes seconds to the millisecond below a second, to the tenth above, "-" for
// what never finished.
func runDuration(seconds float64, finished bool) string {
	if !finished {
		return "-"
	}
	d := time.Duration(seconds * float64(time.Second))
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// oneLine keeps a table row on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// printSource writes the revision in force, the last fetched one and, when that one was
// rejected, its errors one per line.
func printSource(w io.Writer, v view.SourceView) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	orNone := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	fetched := orNone(v.LastAttempted)
	if v.Rejected {
		fetched += " (rejected)"
	}
	fmt.Fprintf(tw, "URL\t%s\n", orNone(v.URL))
	fmt.Fprintf(tw, "REVISION IN FORCE\t%s\n", orNone(v.Revision))
	fmt.Fprintf(tw, "LAST FETCHED\t%s\n", fetched)
	lastSync := "never"
	if !v.LastSync.IsZero() {
		lastSync = v.LastSync.Format(time.RFC3339)
	}
	fmt.Fprintf(tw, "LAST SYNC\t%s\n", lastSync)
	ready := "True"
	if !v.Ready {
		ready = "False: " + orNone(v.Reason)
	}
	fmt.Fprintf(tw, "READY\t%s\n", oneLine(ready))
	if v.SignatureVerified {
		fmt.Fprintf(tw, "SIGNED BY\t%s\n", v.Signer)
	}
	fmt.Fprintf(tw, "SYNC ERRORS\t%d\n", v.SyncErrors)
	tw.Flush()
	if len(v.Errors) > 0 {
		fmt.Fprintf(w, "ERRORS OF REVISION %s:\n", orNone(v.LastAttempted))
		for _, e := range v.Errors {
			fmt.Fprintln(w, e)
		}
	}
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
