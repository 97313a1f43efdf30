package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/checks/tnsnames"
)

// JSON shapes of DESIGN §6 (contract).
type (
	inspectTnsnamesJSON struct {
		Entries []inspectEntryJSON `json:"entries"`
	}
	inspectEntryJSON struct {
		Aliases     []string `json:"aliases"`
		Protocol    string   `json:"protocol"`
		Host        string   `json:"host"`
		Port        int      `json:"port"`
		ServiceName string   `json:"service_name"`
		SID         string   `json:"sid"`
		Descriptor  string   `json:"descriptor"`
	}
	// inspectResolveJSON is `inspect tnsnames FILE --resolve ALIAS -o json`.
	inspectResolveJSON struct {
		Alias       string   `json:"alias"`
		Host        string   `json:"host"`
		Port        int      `json:"port"`
		Protocol    string   `json:"protocol"`
		ServiceName string   `json:"service_name"`
		SID         string   `json:"sid"`
		Source      string   `json:"source"`
		Warnings    []string `json:"warnings"`
	}
)

func newInspectTnsnamesCmd() *cobra.Command {
	var resolve string
	c := inspectSub("tnsnames", "net service names of a tnsnames.ora (IFILE includes followed)",
		func(cmd *cobra.Command, path string, asJSON bool) error {
			if cmd.Flags().Changed("resolve") {
				return inspectResolve(cmd, path, resolve, asJSON)
			}
			return inspectTnsnames(cmd, path, asJSON)
		})
	c.Long = `Without --resolve, list every entry of FILE (IFILE includes followed); any syntax error
fails with exit status 1, naming file:line:column, so the whole file can be fixed.

With --resolve ALIAS, print what Oracle Net would use for ALIAS, like tnsping: sqlnet.ora's
NAMES.DEFAULT_DOMAIN (in FILE's folder) qualifies an alias without a domain, names compare
case-insensitively, the last definition of a name wins (an IFILE counts where it stands), Easy
Connect values (host[:port]/service) are entries, and entries with syntax errors are skipped
with a warning unless ALIAS is one of them. The tnsnames-alias check and the go-ora connection
use exactly this resolution. FILE may also be the folder holding tnsnames.ora (TNS_ADMIN).`
	c.Flags().StringVar(&resolve, "resolve", "", "resolve ALIAS as Oracle Net would (tnsping)")
	return c
}

func inspectTnsnames(cmd *cobra.Command, path string, asJSON bool) error {
	f, err := tnsnames.Read(path)
	if err != nil {
		return failf("%w", err)
	}
	if len(f.Errors) > 0 {
		for _, e := range f.Errors[1:] {
			fmt.Fprintln(cmd.ErrOrStderr(), "error:", e)
		}
		if n := len(f.Errors); n > 1 {
			return failf("%w (and %d more errors, above)", f.Errors[0], n-1)
		}
		return failf("%w", f.Errors[0])
	}
	for _, d := range f.Duplicates {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", d)
	}
	for _, e := range f.Entries {
		for _, w := range e.Warnings {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
		}
	}
	out := inspectTnsnamesJSON{Entries: []inspectEntryJSON{}}
	for _, e := range f.Entries {
		out.Entries = append(out.Entries, inspectEntryJSON{e.Aliases, e.Protocol, e.Host, e.Port, e.ServiceName, e.SID, e.Descriptor})
	}
	if asJSON {
		return inspectWriteJSON(cmd.OutOrStdout(), out)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ALIASES\tPROTOCOL\tHOST\tPORT\tSERVICE_NAME\tSID")
	for _, e := range out.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", strings.Join(e.Aliases, ","), inspectDash(e.Protocol), inspectDash(e.Host), inspectPort(e.Port), inspectDash(e.ServiceName), inspectDash(e.SID))
	}
	return tw.Flush()
}

func inspectResolve(cmd *cobra.Command, path, alias string, asJSON bool) error {
	if strings.TrimSpace(alias) == "" {
		return usageErr(errors.New("--resolve: an ALIAS is required"))
	}
	r, err := tnsnames.Resolve(path, alias)
	if err != nil {
		return failf("%w", err)
	}
	out := inspectResolveJSON{Alias: alias, Host: r.Host, Port: r.Port, Protocol: r.Protocol, ServiceName: r.ServiceName,
		SID: r.SID, Source: r.Source(), Warnings: r.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if asJSON {
		return inspectWriteJSON(cmd.OutOrStdout(), out)
	}
	w := cmd.OutOrStdout()
	files := r.File
	if r.Sqlnet != "" {
		files += ", " + r.Sqlnet
	}
	fmt.Fprintf(w, "Used parameter files: %s\n", files)
	fmt.Fprintf(w, "Resolved %s as %s at %s\n", alias, r.Name, r.Source())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "PROTOCOL\t%s\nHOST\t%s\nPORT\t%s\nSERVICE_NAME\t%s\nSID\t%s\nDESCRIPTOR\t%s\n",
		inspectDash(r.Protocol), inspectDash(r.Host), inspectPort(r.Port), inspectDash(r.ServiceName), inspectDash(r.SID), r.Descriptor)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, x := range r.Warnings {
		fmt.Fprintln(w, "warning:", x)
	}
	return nil
}
