package manifests

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExamplesValid(t *testing.T) {
	set, err := LoadDir("examples")
	if err != nil {
		t.Fatalf("examples are invalid:\n%v", err)
	}
	if got := [4]int{len(set.Servers), len(set.Policies), len(set.Restores), len(set.Notifiers)}; got != [4]int{2, 1, 1, 2} {
		t.Fatalf("servers, policies, restores, notifiers = %v, want [2 1 1 2]", got)
	}
	if n := set.Notifier("ops-mail"); n == nil || n.Spec.Type != NotifierSMTP || set.Notifier("ops-teams") == nil {
		t.Error("the ops-mail and ops-teams notifiers are missing")
	}
	prod, staging := set.Server("aes-prod"), set.Server("aes-staging")
	if prod == nil || staging == nil || set.Policy("aes-prod-nightly") == nil || set.Restore("staging-refresh") == nil {
		t.Fatal("an example object is missing")
	}
	if !staging.Spec.AllowRestore || prod.Spec.AllowRestore {
		t.Error("only aes-staging may allow restores")
	}
	if got := prod.Origin(); got != "servers/aes-prod.yaml" {
		t.Errorf("origin = %q", got)
	}
	if r := set.Restore("staging-refresh"); r.Spec.Source.Backup != BackupLatest || r.Spec.MaxLag == "" {
		t.Error("staging-refresh must be a standing restore of the latest backup")
	}
}

// TestExamplesModeline requires every example to start with a yaml-language-server modeline
// that points at the committed schema from where the file sits.
func TestExamplesModeline(t *testing.T) {
	const prefix = "# yaml-language-server: $schema="
	n := 0
	err := filepath.WalkDir("examples", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return err
		}
		n++
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		first, _ := bufio.NewReader(f).ReadString('\n')
		first = strings.TrimRight(first, "\r\n")
		if !strings.HasPrefix(first, prefix) {
			t.Errorf("%s: first line %q is not the schema modeline", p, first)
			return nil
		}
		target := filepath.Join(filepath.Dir(p), filepath.FromSlash(strings.TrimPrefix(first, prefix)))
		if want := filepath.Join("schema", "vaultkeeper.schema.json"); target != want {
			t.Errorf("%s: modeline points at %s, want %s", p, target, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}
