package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/reconciler/retention"
)

func newRetentionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retention",
		Short: "Retention tools",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newRetentionPlanCmd())
	return cmd
}

// retentionPlanJSON is the output of `retention plan -o json` (DESIGN §6, contract).
type retentionPlanJSON struct {
	Keep   []retentionKeepJSON   `json:"keep"`
	Remove []retentionRemoveJSON `json:"remove"`
}

type retentionKeepJSON struct {
	Time    string   `json:"time"`
	Reasons []string `json:"reasons"`
}

type retentionRemoveJSON struct {
	Time string `json:"time"`
}

func newRetentionPlanCmd() *cobra.Command {
	var (
		r      retention.Rules
		within string
		tz     string
		output string
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show which backup times restic-style retention rules keep (times on stdin)",
		Long: `Plan reads RFC 3339 times, one per line, on stdin and prints which the rules keep and
which they remove, newest first, with the reasons each is kept. The rules are restic's forget
rules: calendar buckets in --tz (default UTC), ISO weeks, rules ORed, --keep-within counted back
from the newest time, and the oldest time kept while a bucket rule has counts left. Every time
counts as a complete, verified set. A count of -1 keeps every bucket. --keep-within takes a Go
duration and also "d" for days of 24 hours (7d, 1d12h).

Exit status: 0, 1 for a bad input line (named by its number), 2 for bad flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, n := range map[string]int{"keep-last": r.Last, "keep-hourly": r.Hourly, "keep-daily": r.Daily,
				"keep-weekly": r.Weekly, "keep-monthly": r.Monthly, "keep-yearly": r.Yearly} {
				if n < -1 {
					return usageErr(fmt.Errorf("--%s %d: want a count >= 0, or -1 for all", name, n))
				}
			}
			if within != "" {
				d, err := parseWithin(within)
				if err != nil {
					return usageErr(fmt.Errorf("--keep-within: %w", err))
				}
				r.Within = d
			}
			loc, err := time.LoadLocation(tz)
			if err != nil {
				return usageErr(fmt.Errorf("--tz %q: %w", tz, err))
			}
			if output != "json" && output != "table" {
				return usageErr(fmt.Errorf("-o %q: want json or table", output))
			}
			items, given, err := readTimes(cmd)
			if err != nil {
				return err
			}
			r.MinVerified = 1
			res := retention.Plan(items, r, loc)
			if output == "table" {
				return printPlanTable(cmd, res, given)
			}
			out := retentionPlanJSON{Keep: []retentionKeepJSON{}, Remove: []retentionRemoveJSON{}}
			for _, d := range res.Keep {
				out.Keep = append(out.Keep, retentionKeepJSON{Time: given[d.ID], Reasons: d.Reasons})
			}
			for _, d := range res.Remove {
				out.Remove = append(out.Remove, retentionRemoveJSON{Time: given[d.ID]})
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		},
	}
	f := cmd.Flags()
	f.IntVar(&r.Last, "keep-last", 0, "keep the newest N")
	f.IntVar(&r.Hourly, "keep-hourly", 0, "keep the newest of each of the last N hours")
	f.IntVar(&r.Daily, "keep-daily", 0, "keep the newest of each of the last N days")
	f.IntVar(&r.Weekly, "keep-weekly", 0, "keep the newest of each of the last N ISO weeks")
	f.IntVar(&r.Monthly, "keep-monthly", 0, "keep the newest of each of the last N months")
	f.IntVar(&r.Yearly, "keep-yearly", 0, "keep the newest of each of the last N years")
	f.StringVar(&within, "keep-within", "", "keep everything younger than this, counted back from the newest (e.g. 48h, 7d)")
	f.StringVar(&tz, "tz", "UTC", "IANA time zone of the calendar buckets")
	f.StringVarP(&output, "output", "o", "table", "output format: json or table")
	return cmd
}

// readTimes reads one RFC 3339 time per line; blank lines are skipped. Items are named by
// their line number; given maps that name back to the text as given.
func readTimes(cmd *cobra.Command) ([]retention.Item, map[string]string, error) {
	var items []retention.Item
	given := map[string]string{}
	sc := bufio.NewScanner(cmd.InOrStdin())
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, nil, failf("stdin line %d: %q is not an RFC 3339 time: %w", n, s, err)
		}
		id := strconv.Itoa(n)
		given[id] = s
		items = append(items, retention.Item{ID: id, Time: t, Verified: true, Complete: true})
	}
	if err := sc.Err(); err != nil {
		return nil, nil, failf("read stdin: %w", err)
	}
	return items, given, nil
}

var daysPrefix = regexp.MustCompile(`^(\d+)d`)

// parseWithin parses a Go duration, also accepting a leading "Nd" for N days of 24 hours.
func parseWithin(s string) (time.Duration, error) {
	var d time.Duration
	rest := s
	if m := daysPrefix.FindStringSubmatch(s); m != nil {
		days, err := strconv.Atoi(m[1])
		if err != nil || days > 100000 {
			return 0, fmt.Errorf("%q: too many days", s)
		}
		d = time.Duration(days) * 24 * time.Hour
		rest = s[len(m[0]):]
	}
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", s, err)
		}
		d += x
	}
	if d < 0 {
		return 0, errors.New("must not be negative")
	}
	return d, nil
}

func printPlanTable(cmd *cobra.Command, res retention.Result, given map[string]string) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTION\tREASONS")
	for _, d := range res.Keep {
		fmt.Fprintf(tw, "%s\tkeep\t%s\n", given[d.ID], strings.Join(d.Reasons, ","))
	}
	for _, d := range res.Remove {
		fmt.Fprintf(tw, "%s\tremove\tno longer kept by: %s\n", given[d.ID], strings.Join(d.Reasons, ","))
	}
	fmt.Fprintf(tw, "%d kept, %d removed\n", len(res.Keep), len(res.Remove))
	return tw.Flush()
}
