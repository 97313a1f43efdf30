package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const examples = "../../manifests/examples"

func TestValidateCmd(t *testing.T) {
	bad := t.TempDir()
	badFile := filepath.Join(bad, "policies", "p.yaml")
	if err := os.MkdirAll(filepath.Dir(badFile), 0o755); err != nil {
		t.Fatal(err)
	}
	const policy = `apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: p1}
spec: {server: nope, schedule: "0 2 * * *", destination: /srv/b, retention: {keepDaily: -1, keepLast: 1}, maxAge: 26h}
`
	if err := os.WriteFile(badFile, []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	slash := filepath.ToSlash
	for _, c := range []struct {
		name     string
		args     []string
		code     int
		stdout   string
		contains string // in the error
	}{
		{"examples", []string{examples}, 0, "6 objects valid\n", ""},
		{"examples twice and a file", []string{examples, examples, filepath.Join(examples, "servers", "aes-prod.yaml")}, 0, "13 objects valid\n", ""},
		{"invalid folder", []string{bad}, 1,
			slash(bad) + `/policies/p.yaml: BackupPolicy/p1: spec.server: Server "nope" not found` + "\n" +
				slash(bad) + "/policies/p.yaml: BackupPolicy/p1: spec.retention.keepDaily: must be >= 0, got -1\n", "2 errors"},
		{"invalid file", []string{badFile}, 1,
			slash(badFile) + `: BackupPolicy/p1: spec.server: Server "nope" not found` + "\n" +
				slash(badFile) + ": BackupPolicy/p1: spec.retention.keepDaily: must be >= 0, got -1\n", "2 errors"},
		{"no args", nil, 2, "", "PATH is required"},
		{"missing path", []string{examples, filepath.Join(bad, "missing")}, 2, "", "missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := newValidateCmd()
			cmd.SetOut(&stdout)
			cmd.SetErr(&stderr)
			cmd.SetArgs(c.args)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.Execute()
			code := 0
			if err != nil {
				var ee *exitError
				if !errors.As(err, &ee) {
					t.Fatalf("error %v is not an *exitError", err)
				}
				code = ee.code
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d (err %v)", code, c.code, err)
			}
			if stdout.String() != c.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), c.stdout)
			}
			if c.contains != "" && (err == nil || !strings.Contains(err.Error(), c.contains)) {
				t.Errorf("error %v does not contain %q", err, c.contains)
			}
		})
	}
}
