package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestInspectOralog classifies real logs kept in checks/oralog/testdata (read in place).
func TestInspectOralog(t *testing.T) {
	const dir = "../../checks/oralog/testdata/"
	tests := []struct {
		file, tool, verdict string
		accepted            bool
		reason              string
	}{
		{"real/exp-19c-charset-conversion-no-warnings.log", "exp", "warning", false, "possible charset conversion"},
		{"real/impdp-12.2-compile-warnings-and-ora-39083.log", "impdp", "warning", false, "4 error(s), 2 explained"},
		{"impdp-compile-warnings.log", "impdp", "warning", true, "completed with 2 error(s)"},
		{"imp-compile-warnings-translated.log", "imp", "unknown", false, "NLS_LANG"},
		{"exp-ok.log", "exp", "success", true, "without warnings"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			cmd := newInspectCmd()
			var stdout bytes.Buffer
			cmd.SetOut(&stdout)
			cmd.SetErr(&bytes.Buffer{})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs([]string{"oralog", dir + tc.file, "-o", "json"})
			err := cmd.Execute()
			var ee *exitError
			if tc.accepted != (err == nil) || (err != nil && (!errors.As(err, &ee) || ee.code != 1)) {
				t.Fatalf("err = %v, want accepted=%v (exit 1 when not)", err, tc.accepted)
			}
			var got struct {
				Tool, Verdict string
				Accepted      bool
				Codes         []string
				Reasons       []string
			}
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("%v\n%s", err, stdout.String())
			}
			if got.Tool != tc.tool || got.Verdict != tc.verdict || got.Accepted != tc.accepted || got.Codes == nil ||
				!strings.Contains(strings.Join(got.Reasons, "\n"), tc.reason) {
				t.Errorf("got %+v, want tool %s verdict %s accepted %v, a reason with %q", got, tc.tool, tc.verdict, tc.accepted, tc.reason)
			}
		})
	}
}
