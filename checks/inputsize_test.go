package checks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/iis"
	"github.com/vaultkeeper/vaultkeeper/checks/localvault"
	"github.com/vaultkeeper/vaultkeeper/checks/tnsnames"
	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// TestOversizedInputsRefused: a huge tnsnames.ora, LocalVault.ini or applicationHost.config
// (sparse, so reading it would take seconds and its size in memory) is refused from its
// size, naming the file and the limit.
func TestOversizedInputsRefused(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		file  string
		parse func(string) error
		limit string
	}{
		{"tnsnames.ora", func(p string) error { _, err := tnsnames.ParseFile(p); return err }, "1 MiB"},
		{"LocalVault.ini", func(p string) error { _, err := localvault.ParseFile(p); return err }, "1 MiB"},
		{"applicationHost.config", func(p string) error { _, err := iis.ParseFile(p); return err }, "16 MiB"},
	} {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(1 << 30); err != nil {
				t.Fatal(err)
			}
			f.Close()
			start := time.Now()
			err = c.parse(p)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if !errors.Is(err, capread.ErrTooLarge) {
				t.Fatalf("error %v: want a too-large error", err)
			}
			for _, want := range []string{p, "file is too large: 1 GiB", "the limit is " + c.limit} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}
