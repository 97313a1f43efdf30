package manifests

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestTargetHash(t *testing.T) {
	base := func() *Restore {
		return &Restore{Spec: RestoreSpec{Server: "s", Confirm: "s", Source: RestoreSource{Policy: "p", Backup: BackupLatest},
			Oracle: RestoreOracle{FromUser: "A", RemapTablespaces: map[string]string{"A": "B"}}}}
	}
	h := base().TargetHash()
	f := false
	same := map[string]func(r *Restore){
		"maxLag":       func(r *Restore) { r.Spec.MaxLag = "168h" },
		"safetyBackup": func(r *Restore) { r.Spec.SafetyBackup = &f },
		"window":       func(r *Restore) { r.Spec.Window = &WindowSpec{Start: "01:00", Duration: "4h"} },
		"suspend":      func(r *Restore) { r.Spec.Suspend = true },
		"agents":       func(r *Restore) { r.Spec.Source.Agents = []string{"a1"} },
	}
	differs := map[string]func(r *Restore){
		"server":   func(r *Restore) { r.Spec.Server = "t" },
		"policy":   func(r *Restore) { r.Spec.Source.Policy = "q" },
		"set":      func(r *Restore) { r.Spec.Source.Backup = "20261121T020000Z" },
		"safety":   func(r *Restore) { r.Spec.Source.Safety = true },
		"toUser":   func(r *Restore) { r.Spec.Oracle.ToUser = "X" },
		"fromUser": func(r *Restore) { r.Spec.Oracle.FromUser = "X" },
		"remap":    func(r *Restore) { r.Spec.Oracle.RemapTablespaces["A"] = "C" },
	}
	for name, edit := range same {
		r := base()
		edit(r)
		if r.TargetHash() != h {
			t.Errorf("editing %s changed TargetHash: it would restore again", name)
		}
	}
	for name, edit := range differs {
		r := base()
		edit(r)
		if r.TargetHash() == h {
			t.Errorf("editing %s left TargetHash unchanged: the target would keep the old content", name)
		}
	}
}

// loadWith loads testdata/base with extra files.
func loadWith(t *testing.T, files map[string]string) *Set {
	t.Helper()
	fsys := fstest.MapFS{}
	readTree(t, fsys, "testdata/base", "base")
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	set, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

const restoreYAML = `apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: refresh}
spec:
  server: aes-staging
  confirm: aes-staging
  source: {policy: aes-prod-nightly, backup: latest%s}
%s`

func TestRestoreAgentsAndWindow(t *testing.T) {
	windowed := `apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: aes-staging-daily}
spec:
  server: aes-staging
  schedule: "0 1 * * *"
  timeZone: Europe/Zurich
  window: {start: "00:30", duration: 2h}
  destination: /srv/backups/aes-staging-daily
  retention: {keepDaily: 3}
  maxAge: 26h
`
	for _, tc := range []struct {
		name         string
		source, spec string
		extra        string
		agents       []string
		window, zone string // window start, "" for none
	}{
		{"defaults: the source server's agent, no window", "", "", "", []string{"aes01"}, "", "UTC"},
		{"agents listed", ", agents: [aes01, dr01]", "", "", []string{"aes01", "dr01"}, "", "UTC"},
		{"the target policy's window", "", "", windowed, []string{"aes01"}, "00:30", "Europe/Zurich"},
		{"its own window wins", "", `  window: {start: "22:00", duration: 1h}`, windowed, []string{"aes01"}, "22:00", "Europe/Zurich"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"r.yaml": fmt.Sprintf(restoreYAML, tc.source, tc.spec)}
			if tc.extra != "" {
				files["p.yaml"] = tc.extra
			}
			set := loadWith(t, files)
			r := set.Restore("refresh")
			got := set.RestoreAgents(r)
			if len(got) != len(tc.agents) || (len(got) > 0 && got[0] != tc.agents[0]) || (len(got) > 1 && got[1] != tc.agents[1]) {
				t.Errorf("RestoreAgents = %v, want %v", got, tc.agents)
			}
			w, zone := set.RestoreWindow(r)
			start := ""
			if w != nil {
				start = w.Start
			}
			if start != tc.window {
				t.Errorf("RestoreWindow start = %q, want %q", start, tc.window)
			}
			if zone != tc.zone {
				t.Errorf("RestoreWindow zone = %q, want %q", zone, tc.zone)
			}
		})
	}
}

// The rollback manifest a failed restore names is valid as written: it loads (with the
// failed Restore removed, one Restore per target) and names the safety set.
func TestRollbackRestore(t *testing.T) {
	set := loadWith(t, map[string]string{"r.yaml": fmt.Sprintf(restoreYAML, "", "")})
	r := set.Restore("refresh")
	y := RollbackRestore(r, "aes-staging-weekly", "20261121T020000Z")
	back := loadWith(t, map[string]string{"rollback.yaml": y})
	rb := back.Restore("refresh-rollback")
	if rb == nil {
		t.Fatalf("no Restore refresh-rollback in:\n%s", y)
	}
	if src := rb.Spec.Source; !src.Safety || src.Backup != "20261121T020000Z" || src.Policy != "aes-staging-weekly" || rb.Spec.Server != "aes-staging" || rb.Spec.SafetyBackupEnabled() {
		t.Errorf("rollback spec = %+v", rb.Spec)
	}
	if n := RollbackName(strings.Repeat("a", 63)); len(n) > 63 || !strings.HasSuffix(n, "-rollback") {
		t.Errorf("RollbackName of a long name = %q", n)
	}
}
