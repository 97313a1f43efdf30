package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

func TestInspectCmd(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string // testdata/inspect/<golden>
		code   int    // 0, or the exitError code expected
		errMsg string
	}{
		{name: "tnsnames json", args: []string{"tnsnames", "testdata/inspect/tnsnames.ora", "-o", "json"}, golden: "tnsnames.json"},
		{name: "tnsnames table", args: []string{"tnsnames", "testdata/inspect/tnsnames.ora"}, golden: "tnsnames.txt"},
		{name: "localvault json", args: []string{"localvault", "-o", "json", "testdata/inspect/LocalVault.ini"}, golden: "localvault.json"},
		{name: "localvault table", args: []string{"localvault", "testdata/inspect/LocalVault.ini", "-o", "table"}, golden: "localvault.txt"},
		{name: "iis json", args: []string{"iis", "testdata/inspect/applicationHost.config", "--output=json"}, golden: "iis.json"},
		{name: "iis table", args: []string{"iis", "testdata/inspect/applicationHost.config"}, golden: "iis.txt"},
		{name: "parse error", args: []string{"tnsnames", "testdata/inspect/broken.ora", "-o", "json"}, code: 1,
			errMsg: "testdata/inspect/broken.ora:3:1: missing ')' in XE (started at line 1)"},
		{name: "missing file", args: []string{"iis", "testdata/inspect/none.config"}, code: 1, errMsg: "none.config: " + notFoundText()},
		{name: "resolve json", args: []string{"tnsnames", "testdata/inspect/tns_admin/tnsnames.ora", "--resolve", "aes", "-o", "json"}, golden: "resolve.json"},
		{name: "resolve table", args: []string{"tnsnames", "testdata/inspect/tns_admin", "--resolve", "AES"}, golden: "resolve.txt"},
		{name: "resolve broken entry", args: []string{"tnsnames", "testdata/inspect/tns_admin/tnsnames.ora", "--resolve", "broken"}, code: 1,
			errMsg: "tnsnames.ora entry broken.corp.example.com (testdata/inspect/tns_admin/tnsnames.ora:8:1) has an error, so Oracle Net cannot resolve it: testdata/inspect/tns_admin/tnsnames.ora:12:1: missing ')' in BROKEN.corp.example.com (started at line 8)"},
		{name: "resolve unknown", args: []string{"tnsnames", "testdata/inspect/tns_admin/tnsnames.ora", "--resolve", "nexus"}, code: 1,
			errMsg: "has no alias nexus.corp.example.com (nexus qualified by NAMES.DEFAULT_DOMAIN = corp.example.com in testdata/inspect/tns_admin/sqlnet.ora)"},
		{name: "list with a broken entry", args: []string{"tnsnames", "testdata/inspect/tns_admin/tnsnames.ora"}, code: 1,
			errMsg: "testdata/inspect/tns_admin/tnsnames.ora:12:1: missing ')' in BROKEN.corp.example.com (started at line 8)"},
		{name: "resolve without alias", args: []string{"tnsnames", "testdata/inspect/tns_admin", "--resolve", ""}, code: 2, errMsg: "--resolve: an ALIAS is required"},
		{name: "bad output", args: []string{"iis", "testdata/inspect/applicationHost.config", "-o", "yaml"}, code: 2, errMsg: `-o "yaml": want json or table`},
		{name: "no file", args: []string{"localvault"}, code: 2, errMsg: "exactly one FILE is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newInspectCmd()
			var stdout, stderr bytes.Buffer
			cmd.SetOut(&stdout)
			cmd.SetErr(&stderr)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if tt.code != 0 {
				var ee *exitError
				if !errors.As(err, &ee) || ee.code != tt.code || !strings.Contains(slashPaths(err.Error()), tt.errMsg) {
					t.Fatalf("err = %v, want exit %d with %q", err, tt.code, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			testtool.Golden(t, filepath.Join("testdata", "inspect", tt.golden), []byte(slashPaths(stdout.String())))
			if strings.Contains(stdout.String(), "Alt;ium#1") {
				t.Error("the LocalVault.ini password reached the output")
			}
		})
	}
}

func TestInspectWarnings(t *testing.T) {
	cmd := newInspectCmd()
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs([]string{"tnsnames", "testdata/inspect/tnsnames.ora"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "warning: alias SALES.US.EXAMPLE.COM is defined at testdata/inspect/tnsnames.ora:5:1 and again at testdata/inspect/tnsnames.ora:58:1; Oracle Net uses the last one") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// notFoundText is this system's text for a missing file (Linux "no such file or directory",
// Windows "The system cannot find the file specified.").
func notFoundText() string {
	_, err := os.Open(filepath.Join(os.TempDir(), "vaultkeeper-surely-missing-file"))
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "no such file"
}

// slashPaths writes the test's own testdata paths with '/', as the golden files and expected
// messages do; Windows prints them with '\\' (and JSON doubles it). A no-op elsewhere.
func slashPaths(s string) string {
	for _, dir := range []string{"testdata/inspect/tns_admin/", "testdata/inspect/"} {
		native := filepath.FromSlash(dir)
		s = strings.ReplaceAll(s, strings.ReplaceAll(native, `\`, `\\`), dir)
		s = strings.ReplaceAll(s, native, dir)
	}
	return s
}
