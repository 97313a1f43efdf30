package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/checks/iis"
	"github.com/vaultkeeper/vaultkeeper/checks/localvault"
)

// inspectSecretMask replaces secret values (LocalVault.ini Password) in inspect's output.
const inspectSecretMask = "********"

// JSON shapes of DESIGN §6 (contract).
type (
	inspectLocalVaultJSON struct {
		Keys map[string]string `json:"keys"`
	}
	inspectIISJSON struct {
		Sites []inspectSiteJSON `json:"sites"`
	}
	inspectSiteJSON struct {
		Name     string               `json:"name"`
		Bindings []inspectBindingJSON `json:"bindings"`
	}
	inspectBindingJSON struct {
		Protocol string `json:"protocol"`
		IP       string `json:"ip"`
		Port     int    `json:"port"`
		Host     string `json:"host"`
		SSLFlags int    `json:"sslFlags"`
	}
)

func newInspectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inspect tnsnames|localvault|iis|oralog FILE",
		Short: "Show what vaultkeeper reads from tnsnames.ora, LocalVault.ini or applicationHost.config",
		Long: `Inspect parses one configuration file the way the integrity checks do and prints what it
found: a table, or with -o json the shapes scripts rely on. LocalVault.ini's Password is
masked. Exit status: 0 when the file parses, 1 on a parse error (file:line:column: why),
2 on usage errors.`,
	}
	cmd.AddCommand(
		newInspectTnsnamesCmd(),
		inspectSub("localvault", "keys of a LocalVault.ini", inspectLocalVault),
		inspectSub("iis", "sites and bindings of an applicationHost.config", inspectIIS),
		inspectSub("oralog", "verdict of an exp, imp, expdp or impdp log under the default warning policy (exit 1: not accepted)", inspectOralog),
	)
	return cmd
}

// inspectSub builds one "inspect KIND FILE" command around show, which parses the file and
// writes it as JSON or as a table.
func inspectSub(kind, short string, show func(cmd *cobra.Command, path string, asJSON bool) error) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   kind + " FILE",
		Short: "Show the " + short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(fmt.Errorf("inspect %s: exactly one FILE is required", kind))
			}
			if output != "json" && output != "table" {
				return usageErr(fmt.Errorf("-o %q: want json or table", output))
			}
			return show(cmd, args[0], output == "json")
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "table", "output format: table or json")
	return c
}

func inspectWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func inspectLocalVault(cmd *cobra.Command, path string, asJSON bool) error {
	f, err := localvault.ParseFile(path)
	if err != nil {
		return failf("%w", err)
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
	}
	for _, d := range f.Duplicates {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", d)
	}
	keys := f.Keys()
	for k, v := range keys {
		if strings.EqualFold(k, "Password") && v != "" {
			keys[k] = inspectSecretMask
		}
	}
	if asJSON {
		return inspectWriteJSON(cmd.OutOrStdout(), inspectLocalVaultJSON{Keys: keys})
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE")
	for _, k := range names {
		fmt.Fprintf(tw, "%s\t%s\n", k, keys[k])
	}
	return tw.Flush()
}

func inspectIIS(cmd *cobra.Command, path string, asJSON bool) error {
	c, err := iis.ParseFile(path)
	if err != nil {
		return failf("%w", err)
	}
	if asJSON {
		out := inspectIISJSON{Sites: []inspectSiteJSON{}}
		for _, s := range c.Sites {
			site := inspectSiteJSON{Name: s.Name, Bindings: []inspectBindingJSON{}}
			for _, b := range s.Bindings {
				site.Bindings = append(site.Bindings, inspectBindingJSON{b.Protocol, b.IP, b.Port, b.Host, b.SSLFlags})
			}
			out.Sites = append(out.Sites, site)
		}
		return inspectWriteJSON(cmd.OutOrStdout(), out)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tID\tPROTOCOL\tIP\tPORT\tHOST\tSSLFLAGS")
	for _, s := range c.Sites {
		if len(s.Bindings) == 0 {
			fmt.Fprintf(tw, "%s\t%d\t-\t-\t-\t-\t-\n", s.Name, s.ID)
		}
		for _, b := range s.Bindings {
			ip := b.IP
			if b.Port == 0 {
				ip = b.Information // not IP:port:host (net.tcp, net.pipe, …)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\n", s.Name, s.ID, b.Protocol, inspectDash(ip), inspectPort(b.Port), inspectDash(b.Host), b.SSLFlags)
		}
	}
	return tw.Flush()
}

func inspectDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func inspectPort(p int) string {
	if p == 0 {
		return "-"
	}
	return strconv.Itoa(p)
}
