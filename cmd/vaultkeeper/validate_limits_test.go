package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestValidateSizeLimits: an oversized manifest or revision is refused at once, naming the
// file and the limit; the limits are flags.
func TestValidateSizeLimits(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "repo", "servers", "huge.yaml")
	if err := os.MkdirAll(filepath.Dir(huge), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(40 << 20) // sparse: reading it would take seconds and 40 MiB
	f.Close()
	repo := filepath.Dir(filepath.Dir(huge))
	slash := filepath.ToSlash
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"default limit", []string{repo}, 1, slash(huge) + ": file is too large: 40 MiB, the limit is 1 MiB (--max-manifest-size)\n"},
		{"one file", []string{huge}, 1, slash(huge) + ": file is too large: 40 MiB, the limit is 1 MiB (--max-manifest-size)\n"},
		{"lowered file limit", []string{"--max-manifest-size", "1KiB", examples}, 1, ""},
		{"lowered revision limit", []string{"--max-revision-size=3KiB", examples}, 1,
			slash(examples) + ": revision is too large: 6 manifest files hold "},
		{"raised limits", []string{"--max-manifest-size", "64MiB", "--max-revision-size", "1G", examples}, 0, "6 objects valid\n"},
		{"bad size", []string{"--max-manifest-size", "lots", examples}, -1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout bytes.Buffer
			cmd := newValidateCmd()
			cmd.SetOut(&stdout)
			cmd.SetErr(&bytes.Buffer{})
			cmd.SetArgs(c.args)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			start := time.Now()
			err := cmd.Execute()
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if c.code < 0 {
				if err == nil || !strings.Contains(err.Error(), "want a positive size") {
					t.Fatalf("bad flag: %v", err)
				}
				return
			}
			code := 0
			var ee *exitError
			if errors.As(err, &ee) {
				code = ee.code
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d (%v)", code, c.code, err)
			}
			if !strings.HasPrefix(stdout.String(), c.stdout) {
				t.Errorf("stdout:\n%s\nwant it to start with:\n%s", stdout.String(), c.stdout)
			}
			if c.name == "lowered file limit" && !strings.Contains(stdout.String(), "aes-prod.yaml: file is too large: 1.3 KiB, the limit is 1 KiB (--max-manifest-size)") {
				t.Errorf("stdout:\n%s", stdout.String())
			}
		})
	}
}
