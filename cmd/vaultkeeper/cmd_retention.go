package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
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
		within [6]string // --keep-within, then -hourly … -yearly
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
counts as a complete, verified set. A count of -1 keeps every bucket. --keep-within and
--keep-within-hourly|daily|weekly|monthly|yearly take restic's durations: years, months, days
and hours such as 1y2m3d4h, 14d or 720h ("m" is months; minutes and seconds are refused),
calendar months and years counted back from the newest time as restic does; the -hourly …
-yearly forms keep the newest time of each bucket within that span.

Exit status: 0, 1 for a bad input line (named by its number), 2 for bad flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, n := range map[string]int{"keep-last": r.Last, "keep-hourly": r.Hourly, "keep-daily": r.Daily,
				"keep-weekly": r.Weekly, "keep-monthly": r.Monthly, "keep-yearly": r.Yearly} {
				if n < -1 {
					return usageErr(fmt.Errorf("--%s %d: want a count >= 0, or -1 for all", name, n))
				}
			}
			spans := []*calendar.Duration{&r.Within, &r.WithinHourly, &r.WithinDaily, &r.WithinWeekly, &r.WithinMonthly, &r.WithinYearly}
			for i, s := range within {
				d, err := calendar.Parse(s)
				if err != nil {
					return usageErr(fmt.Errorf("--%s: %w", withinFlags[i], err))
				}
				*spans[i] = d
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
	f.StringVar(&within[0], withinFlags[0], "", "keep everything younger than this, counted back from the newest (restic syntax: 1y2m3d4h, 7d, 48h)")
	for i, per := range []string{"hour", "day", "ISO week", "month", "year"} {
		f.StringVar(&within[i+1], withinFlags[i+1], "", "keep the newest of each "+per+" younger than this, counted back from the newest")
	}
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

// withinFlags are restic's keep-within flags, in the order of newRetentionPlanCmd's within.
var withinFlags = [6]string{"keep-within", "keep-within-hourly", "keep-within-daily", "keep-within-weekly",
	"keep-within-monthly", "keep-within-yearly"}

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
