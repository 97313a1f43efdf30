package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/calendar"
	"github.com/vaultkeeper/vaultkeeper/reconciler/retention"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
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
	Time string `json:"time"`
	// Set is the set id, with --policy.
	Set     string   `json:"set,omitempty"`
	Reasons []string `json:"reasons"`
}

type retentionRemoveJSON struct {
	Time string `json:"time"`
	Set  string `json:"set,omitempty"`
}

func newRetentionPlanCmd() *cobra.Command {
	var (
		r            retention.Rules
		within       [6]string // --keep-within, then -hourly … -yearly
		tz           string
		output       string
		policy, repo string
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show which backup sets restic-style retention rules keep (times on stdin, or a policy's sets)",
		Long: `Plan reads backup times on stdin, one per line, as RFC 3339 times or set ids
(20261121T020000Z, the UTC start time that names a set's folder), and prints which the rules
keep and which they remove, newest first, with the reasons each is kept. The rules are
restic's forget rules: calendar buckets in --tz (default UTC), ISO weeks, rules ORed,
--keep-within counted back from the newest time, and the oldest time kept while a bucket rule
has counts left. Every time counts as a complete, verified set. Counts must be >= 0, as in a
BackupPolicy's spec.retention (restic's -1 for "all" is refused: use a large count).
--keep-within and --keep-within-hourly|daily|weekly|monthly|yearly take restic's durations:
years, months, days and hours such as 1y2m3d4h, 14d or 720h ("m" is months; minutes and
seconds are refused), calendar months and years counted back from the newest time as restic
does; the -hourly … -yearly forms keep the newest time of each bucket within that span.

With --policy NAME --repo DIR, the rules, the time zone and minVerified are those of the
BackupPolicy NAME in the manifests folder DIR, and the sets are the ones in its destination
(complete and verified as they are on disk; safety sets are left to keepSafety), exactly
what the agent would prune after the next successful backup; nothing is removed. Times are
shown in the policy's time zone, with their offset, beside each set id.

Exit status: 0, 1 for a bad input line (named by its number) or an unreadable repo or
destination, 2 for bad flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			counts := []struct {
				flag string
				n    int
			}{{"keep-last", r.Last}, {"keep-hourly", r.Hourly}, {"keep-daily", r.Daily},
				{"keep-weekly", r.Weekly}, {"keep-monthly", r.Monthly}, {"keep-yearly", r.Yearly}}
			for _, c := range counts {
				if c.n < 0 { // the manifests' wording (spec.retention.keepDaily: must be >= 0, got -1)
					return usageErr(fmt.Errorf("--%s: must be >= 0, got %d", c.flag, c.n))
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
			var (
				items []retention.Item
				given map[string]string
				sets  bool
			)
			if policy != "" || repo != "" {
				if policy == "" || repo == "" {
					return usageErr(errors.New("--policy NAME and --repo DIR go together"))
				}
				for _, f := range append([]string{"tz"}, append(withinFlags[:], "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")...) {
					if cmd.Flags().Changed(f) {
						return usageErr(fmt.Errorf("--%s: with --policy the rules and the time zone are the policy's", f))
					}
				}
				var pol *manifests.BackupPolicy
				pol, items, err = policySets(cmd.Context(), cmd.ErrOrStderr(), repo, policy)
				if err != nil {
					return err
				}
				r, loc, sets = retention.FromSpec(pol.Spec.Retention), pol.Spec.Location(), true
				given = map[string]string{}
				for _, it := range items {
					given[it.ID] = it.Time.In(loc).Format(time.RFC3339)
				}
			} else {
				if items, given, err = readTimes(cmd); err != nil {
					return err
				}
				r.MinVerified = 1
			}
			res := retention.Plan(items, r, loc)
			if output == "table" {
				return printPlanTable(cmd, res, given, sets)
			}
			out := retentionPlanJSON{Keep: []retentionKeepJSON{}, Remove: []retentionRemoveJSON{}}
			set := func(id string) string {
				if sets {
					return id
				}
				return ""
			}
			for _, d := range res.Keep {
				out.Keep = append(out.Keep, retentionKeepJSON{Time: given[d.ID], Set: set(d.ID), Reasons: d.Reasons})
			}
			for _, d := range res.Remove {
				out.Remove = append(out.Remove, retentionRemoveJSON{Time: given[d.ID], Set: set(d.ID)})
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
	f.StringVar(&policy, "policy", "", "plan with this BackupPolicy's rules over the sets in its destination (needs --repo)")
	f.StringVar(&repo, "repo", "", "the manifests folder (a checkout of the repo) that holds --policy")
	return cmd
}

// policySets loads the manifests in repo and returns the BackupPolicy name and the
// retention items of the sets in its destination, as the agent sees them.
func policySets(ctx context.Context, stderr io.Writer, repo, name string) (*manifests.BackupPolicy, []retention.Item, error) {
	set, err := manifests.LoadDir(repo)
	if err != nil {
		return nil, nil, failf("--repo %s: %w", repo, err)
	}
	pol := set.Policy(name)
	if pol == nil {
		var names []string
		for _, p := range set.Policies {
			names = append(names, p.Metadata.Name)
		}
		return nil, nil, failf("--policy %s: no BackupPolicy of that name in %s (policies: %s)", name, repo, strings.Join(names, ", "))
	}
	dest := pol.Spec.Destination
	if _, err := os.Stat(dest); err != nil {
		return nil, nil, failf("BackupPolicy/%s: spec.destination: %w", name, err)
	}
	cat, problems, err := catalog.Scan(ctx, []catalog.Root{{Policy: name, Destination: dest}})
	if err != nil {
		return nil, nil, failf("BackupPolicy/%s: scan %s: %w", name, dest, err)
	}
	for _, p := range problems {
		if p.Kind != catalog.ProblemPartial && p.Kind != catalog.ProblemRemoving {
			fmt.Fprintf(stderr, "not a backup set (left out): %s: %s\n", p.Path, p.Reason)
		}
	}
	return pol, retention.ForSets(cat.SetsIn(dest, pol.Spec.Server, name)), nil
}

// readTimes reads one RFC 3339 time or set id per line; blank lines are skipped. Items
// are named by their line number; given maps that name back to the text as given.
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
			var idErr error
			if t, idErr = catalog.ParseSetID(s); idErr != nil {
				return nil, nil, failf("stdin line %d: %q is neither an RFC 3339 time (%v) nor a set id like 20261121T020000Z", n, s, err)
			}
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

func printPlanTable(cmd *cobra.Command, res retention.Result, given map[string]string, sets bool) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	first := func(id string) string {
		if sets {
			return id + "\t" + given[id]
		}
		return given[id]
	}
	if sets {
		fmt.Fprintln(tw, "SET\tTIME\tACTION\tREASONS")
	} else {
		fmt.Fprintln(tw, "TIME\tACTION\tREASONS")
	}
	for _, d := range res.Keep {
		fmt.Fprintf(tw, "%s\tkeep\t%s\n", first(d.ID), strings.Join(d.Reasons, ","))
	}
	for _, d := range res.Remove {
		fmt.Fprintf(tw, "%s\tremove\tno longer kept by: %s\n", first(d.ID), strings.Join(d.Reasons, ","))
	}
	fmt.Fprintf(tw, "%d kept, %d removed\n", len(res.Keep), len(res.Remove))
	return tw.Flush()
}
