package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"

	"github.com/spf13/cobra"
)

// execCmd runs a command built by newCmd with args and stdin; it returns stdout and the exit
// code main would use.
func execCmd(t *testing.T, newCmd func() *cobra.Command, stdin string, args ...string) (string, int, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := newCmd()
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	code := 0
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else if isUsageError(err) {
			code = 2
		}
	}
	return stdout.String(), code, err
}

// yearOfBackups is a nightly backup at 02:00 Zurich time for a year, crossing both DST changes
// and the ISO-week year boundary, written with Zurich offsets.
func yearOfBackups(t *testing.T) string {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 365 {
		day := time.Date(2025, 6, 1+i, 0, 0, 0, 0, time.UTC) // calendar arithmetic in UTC: no DST gaps
		d := time.Date(day.Year(), day.Month(), day.Day(), 2, 0, 0, 0, loc)
		b.WriteString(d.Format(time.RFC3339) + "\n")
	}
	return b.String()
}

func TestRetentionPlanGolden(t *testing.T) {
	out, code, err := execCmd(t, newRetentionCmd, yearOfBackups(t), "plan",
		"--keep-last", "3", "--keep-daily", "7", "--keep-weekly", "5", "--keep-monthly", "12",
		"--keep-yearly", "3", "--keep-within", "2d", "--tz", "Europe/Zurich", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %v", code, err)
	}
	var got retentionPlanJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not the plan JSON: %v\n%s", err, out)
	}
	if len(got.Keep)+len(got.Remove) != 365 || len(got.Keep) == 0 || len(got.Remove) == 0 {
		t.Fatalf("keep %d + remove %d, want 365 with both non-empty", len(got.Keep), len(got.Remove))
	}
	if got.Keep[0].Time != "2026-05-31T02:00:00+02:00" {
		t.Errorf("newest kept = %q, want the time as given", got.Keep[0].Time)
	}
	testtool.Golden(t, filepath.Join("testdata", "retention-plan.json"), []byte(out))
}

func TestRetentionPlanCases(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		stdout      string // exact when set
		errHas      string
	}{
		{
			name:  "keep-last with reasons, times echoed as given, blank lines skipped",
			stdin: "2024-01-01T00:00:00Z\n\n2024-01-02T00:00:00.5+01:00\n2024-01-03T00:00:00Z\n",
			args:  []string{"plan", "--keep-last", "2", "-o", "json"},
			stdout: `{
  "keep": [
    {
      "time": "2024-01-03T00:00:00Z",
      "reasons": [
        "last"
      ]
    },
    {
      "time": "2024-01-02T00:00:00.5+01:00",
      "reasons": [
        "last"
      ]
    }
  ],
  "remove": [
    {
      "time": "2024-01-01T00:00:00Z"
    }
  ]
}
`,
		},
		{
			name:   "no input",
			args:   []string{"plan", "--keep-daily", "2", "-o", "json"},
			stdout: "{\n  \"keep\": [],\n  \"remove\": []\n}\n",
		},
		{name: "bad line", stdin: "2024-01-01T00:00:00Z\n\nyesterday\n", args: []string{"plan", "-o", "json"}, code: 1, errHas: "line 3"},
		{name: "bad zone", args: []string{"plan", "--tz", "Mars/Base"}, code: 2, errHas: "Mars/Base"},
		{name: "bad within", args: []string{"plan", "--keep-within", "soon"}, code: 2, errHas: "keep-within"},
		{name: "within in seconds", args: []string{"plan", "--keep-within", "3600s"}, code: 2,
			errHas: "--keep-within: invalid keep-within duration \"3600s\": seconds (s) after 3600: keep-within counts calendar time as restic does"},
		{name: "within-daily in minutes", args: []string{"plan", "--keep-within-daily", "90min"}, code: 2, errHas: "--keep-within-daily: invalid keep-within duration \"90min\": minutes (min)"},
		{
			// 1m is one calendar month, as in restic: back from 31 March it reaches 2 March
			// (AddDate normalises 31 February), so 2 March 00:00 is out and 2 March 12:00 in.
			name:  "keep-within months and keep-within-daily",
			stdin: "2024-03-31T00:00:00Z\n2024-03-30T10:00:00Z\n2024-03-30T09:00:00Z\n2024-03-02T12:00:00Z\n2024-03-02T00:00:00Z\n2023-12-01T00:00:00Z\n",
			args:  []string{"plan", "--keep-within", "1m", "--keep-within-daily", "1y"},
			stdout: "TIME                  ACTION  REASONS\n" +
				"2024-03-31T00:00:00Z  keep    within,within-daily\n" +
				"2024-03-30T10:00:00Z  keep    within,within-daily\n" +
				"2024-03-30T09:00:00Z  keep    within\n" +
				"2024-03-02T12:00:00Z  keep    within,within-daily\n" +
				"2023-12-01T00:00:00Z  keep    within-daily\n" +
				"2024-03-02T00:00:00Z  remove  no longer kept by: within,within-daily\n" +
				"5 kept, 1 removed\n",
		},
		{name: "bad count", args: []string{"plan", "--keep-daily", "-2"}, code: 2, errHas: "keep-daily"},
		{name: "bad output", args: []string{"plan", "-o", "yaml"}, code: 2, errHas: "yaml"},
		// -1 is refused with the manifests' wording (spec.retention.keepDaily: must be >= 0, got -1).
		{name: "-1 refused like the manifests", args: []string{"plan", "--keep-daily", "-1"}, code: 2, errHas: "--keep-daily: must be >= 0, got -1"},
		{name: "-1 keep-last", args: []string{"plan", "--keep-last", "-1"}, code: 2, errHas: "--keep-last: must be >= 0, got -1"},
		{
			name:  "set ids as well as RFC 3339, echoed as given",
			stdin: "20261121T020000Z\n2026-11-22T03:00:00+01:00\n20261120T020000Z\n",
			args:  []string{"plan", "--keep-last", "2"},
			stdout: "TIME                       ACTION  REASONS\n" +
				"2026-11-22T03:00:00+01:00  keep    last\n" +
				"20261121T020000Z           keep    last\n" +
				"20261120T020000Z           remove  no longer kept by: last\n" +
				"2 kept, 1 removed\n",
		},
		{name: "neither time nor set id", stdin: "20261121T0200Z\n", args: []string{"plan"}, code: 1, errHas: `line 1: "20261121T0200Z" is neither an RFC 3339 time`},
		{name: "policy without repo", args: []string{"plan", "--policy", "p"}, code: 2, errHas: "--policy NAME and --repo DIR go together"},
		{name: "policy with rules", args: []string{"plan", "--policy", "p", "--repo", ".", "--keep-last", "3"}, code: 2, errHas: "--keep-last: with --policy"},
		{name: "policy not in repo", args: []string{"plan", "--policy", "nope", "--repo", "../../manifests/examples"}, code: 1, errHas: "--policy nope: no BackupPolicy of that name"},
		{
			name:  "table",
			stdin: "2024-01-01T00:00:00Z\n2024-01-02T00:00:00Z\n",
			args:  []string{"plan", "--keep-last", "1"},
			stdout: "TIME                  ACTION  REASONS\n" +
				"2024-01-02T00:00:00Z  keep    last\n" +
				"2024-01-01T00:00:00Z  remove  no longer kept by: last\n" +
				"1 kept, 1 removed\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := execCmd(t, newRetentionCmd, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			if tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)) {
				t.Errorf("error %v does not mention %q", err, tc.errHas)
			}
			if tc.stdout != "" && out != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tc.stdout)
			}
		})
	}
}
