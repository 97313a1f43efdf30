package reconciler

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// devTarget is simManifests with aes-dev open to restores and a Restore of prod-hourly's
// sets into it; extra is added to the Restore's spec.
func devTarget(extra string) string {
	return strings.Replace(simManifests, "  agent: sim\n  installDir: '@ROOT@/hosts/aes-dev'",
		"  agent: sim\n  allowRestore: true\n  installDir: '@ROOT@/hosts/aes-dev'", 1) + `---
apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: dev-refresh}
spec:
  server: aes-dev
  confirm: aes-dev
  source: {policy: prod-hourly, backup: latest}
` + extra
}

// plant copies the published set from into the destination under id, with its record
// rewritten for that id and changed by edit: what someone who can write the NAS can do.
func (s *sim) plant(from, id string, edit func(m *catalog.Meta)) string {
	s.t.Helper()
	m, err := catalog.ReadMeta(from)
	if err != nil {
		s.t.Fatal(err)
	}
	dst := catalog.SetDir(filepath.Dir(filepath.Dir(from)), m.Server, id)
	if err := catalog.CopySet(s.ctx, from, dst); err != nil {
		s.t.Fatal(err)
	}
	at, _ := catalog.ParseSetID(id)
	d := at.Sub(m.Started)
	m.ID, m.Started, m.Finished, m.Signature = id, at, m.Finished.Add(d), nil
	for i := range m.Verifications {
		m.Verifications[i].Time = m.Verifications[i].Time.Add(d)
	}
	edit(m)
	if err := catalog.WriteMeta(dst, m); err != nil {
		s.t.Fatal(err)
	}
	return dst
}

func (s *sim) restores(server string) []string {
	var out []string
	for _, e := range s.hosts.Host(server).Events() {
		if e.Op == "avbackup-restore" {
			out = append(out, e.Path)
		}
	}
	return out
}

func (s *sim) condition(kind, name, typ string) (status, msg string) {
	if o := s.store.Snapshot().Objects[kind+"/"+name]; o != nil {
		c, _ := o.Condition(typ)
		return c.Status, c.Message
	}
	return "", ""
}

// TestFutureSetIgnored (issue 14 point 4): a set dated years ahead, with a record signed by
// the agent's own key, copied into the destination is not the last success (the next backup
// stays due within the hour, the metric keeps the real time), not the set `latest`
// restores, not removed by retention; the policy's condition and the metric report it.
func TestFutureSetIgnored(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich)
	s := newSim(t, devTarget("  safetyBackup: false\n"), t0)
	s.step(t0)
	real := s.store.Snapshot().Policies["prod-hourly"].LastSet
	if real == "" || len(s.restores("aes-dev")) != 1 {
		t.Fatalf("no prod set or no restore after the first step: %v", s.problems())
	}
	realDir := catalog.SetDir(filepath.Join(s.root, "backups"), "aes-prod", real)
	future := s.plant(realDir, "20361006T010000Z", func(m *catalog.Meta) {
		if err := m.Sign(s.keys); err != nil {
			t.Fatal(err)
		}
	})
	s.a.rescan(s.ctx)

	realTime, _ := catalog.ParseSetID(real)
	for _, p := range s.a.snapshot().Policies {
		if p.Policy != "prod-hourly" {
			continue
		}
		if p.FutureSets != 1 || !p.LastSuccess.Equal(realTime) {
			t.Errorf("metrics: %d future sets, last success %s; want 1 and %s", p.FutureSets, p.LastSuccess, realTime)
		}
	}
	if st, msg := s.condition(manifests.KindBackupPolicy, "prod-hourly", condFutureSets); st != "True" || !strings.Contains(msg, "20361006T010000Z") {
		t.Errorf("FutureSets condition %s %q, want True naming the set", st, msg)
	}
	for _, w := range s.a.Plan(t0).Waiting {
		if w.Object == "policy/prod-hourly" && w.Kind == "backup" && w.At.After(t0.Add(time.Hour)) {
			t.Errorf("next backup at %s: the future set moved the schedule", w.At)
		}
	}

	if err := s.a.Request("restore/dev-refresh"); err != nil {
		t.Fatal(err)
	}
	s.step(t0)
	// (The fake hosts fail every restore's final checks: they have no LocalVault.ini. What
	// matters here is which set's files.zip avbackup restore was given.)
	zips := s.restores("aes-dev")
	if len(zips) != 2 || !strings.HasPrefix(zips[1], realDir) {
		t.Errorf("restores %v: want the second from the real set %s", zips, realDir)
	}
	s.step(t0.Add(time.Hour))
	if next := s.store.Snapshot().Policies["prod-hourly"].LastSet; next == real {
		t.Errorf("no backup an hour later: %v", s.problems())
	}
	if err := s.a.Request("policy/prod-hourly"); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(time.Hour))
	if _, err := os.Stat(future); err != nil {
		t.Errorf("retention touched the future set: %v", err)
	}
	// Once its time has come (less than an hour ahead), it counts like any set.
	s.clock.Set(time.Date(2036, 10, 6, 0, 30, 0, 0, time.UTC))
	if p := s.a.Read().Model.Policy("prod-hourly"); len(p.Future) != 0 {
		t.Errorf("at its time the set is still future: %+v", p.Future)
	}
}

// TestUntrustedSetsNotRestored (issue 14 point 5): newer sets whose record is forged,
// unsigned, signed with an unknown key or made by an agent the Restore does not allow are
// passed over by latest (the Restore's condition names them), never restored even when the
// restore is asked for, and the forged and unverifiable ones are never pruned.
func TestUntrustedSetsNotRestored(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich)
	s := newSim(t, devTarget("  safetyBackup: false\n"), t0)
	s.step(t0)
	real := s.store.Snapshot().Policies["prod-hourly"].LastSet
	if real == "" || len(s.restores("aes-dev")) != 1 {
		t.Fatalf("no prod set or no restore after the first step: %v", s.problems())
	}
	realDir := catalog.SetDir(filepath.Join(s.root, "backups"), "aes-prod", real)
	other, err := setsig.Parse("other", []byte(strings.Repeat("42", 32)))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(k *catalog.Keyring) func(m *catalog.Meta) {
		return func(m *catalog.Meta) {
			if err := m.Sign(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	base, _ := catalog.ParseSetID(real)
	id := func(min int) string { return catalog.SetID(base.Add(time.Duration(min) * time.Minute)) }
	planted := map[string]string{
		s.plant(realDir, id(10), func(m *catalog.Meta) { sign(s.keys)(m); m.Oracle.Schema = "SYSTEM" }): "forged",
		s.plant(realDir, id(20), func(*catalog.Meta) {}):                                                "unsigned",
		s.plant(realDir, id(30), sign(other)):                                                           "unverifiable",
		s.plant(realDir, id(40), func(m *catalog.Meta) { m.Agent = "intruder"; sign(s.keys)(m) }):       "agent",
	}
	s.a.rescan(s.ctx)
	if err := s.a.Request("restore/dev-refresh"); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(50 * time.Minute))
	zips := s.restores("aes-dev")
	if len(zips) != 2 {
		t.Fatalf("asked for once more: %d restores in all, want 2: %v", len(zips), s.problems())
	}
	for dir, what := range planted {
		for _, zip := range zips {
			if strings.HasPrefix(zip, dir) {
				t.Errorf("the %s set %s was restored", what, dir)
			}
		}
	}
	if !strings.HasPrefix(zips[1], realDir) {
		t.Errorf("restored %s, want the trusted set %s", zips[1], realDir)
	}
	st, msg := s.condition(manifests.KindRestore, "dev-refresh", condUntrustedSets)
	for _, want := range []string{"signature does not match", "carries no signature", "not in the keyring", `made by agent "intruder"`} {
		if st != "True" || !strings.Contains(msg, want) {
			t.Errorf("UntrustedSets condition %s %q does not say %q", st, msg, want)
		}
	}
	// Retention never removes what cannot be checked, even with every rule against it.
	policy := strings.Replace(devTarget("  safetyBackup: false\n"), "retention: {keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 2, minVerified: 2}",
		"retention: {keepLast: 1}", 1)
	if err := os.WriteFile(filepath.Join(s.root, "repo", "altium.yaml"), []byte(strings.ReplaceAll(policy, "@ROOT@", s.root)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.start()
	if err := s.a.Request("policy/prod-hourly"); err != nil {
		t.Fatal(err)
	}
	s.step(t0.Add(55 * time.Minute))
	for dir, what := range planted {
		_, err := os.Stat(dir)
		if kept := err == nil; kept != (what == "forged" || what == "unverifiable") {
			t.Errorf("the %s set %s: kept %v after retention keepLast 1", what, dir, kept)
		}
	}
}

// TestSafetySetsRestorableAndPruned (issue 14 point 8): safety sets are kept by keepSafety
// (the newest 2 here) when the target's policy prunes, and a Restore naming one with
// source.safety (manifests.RollbackRestore) puts it back.
func TestSafetySetsRestorableAndPruned(t *testing.T) {
	t.Setenv("VK_SIM_SCHEMA_PASSWORD", "sim-password")
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 3, 0, 0, 0, zurich)
	text := strings.Replace(devTarget("  safetyBackup: true\n"), "retention: {keepLast: 3, keepDaily: 10}",
		"retention: {keepLast: 3, keepDaily: 10, keepSafety: 2}", 1)
	s := newSim(t, text, t0)
	s.step(t0)
	for i := 0; i < 3; i++ {
		if err := s.a.Request("restore/dev-refresh"); err != nil {
			t.Fatal(err)
		}
		s.step(t0)
	}
	dest := filepath.Join(s.root, "backups")
	safety := func() []string {
		var ids []string
		for _, b := range s.a.Read().Model.Backups {
			if b.Server == "aes-dev" && b.Kind == catalog.KindSafety {
				ids = append(ids, b.ID)
			}
		}
		return ids
	}
	if got := safety(); len(got) != 4 {
		t.Fatalf("safety sets %v after 4 restores, want 4: %v", got, s.problems())
	}
	if err := s.a.Request("policy/dev-daily"); err != nil {
		t.Fatal(err)
	}
	s.step(t0)
	kept := safety()
	if len(kept) != 2 {
		t.Fatalf("safety sets %v after retention with keepSafety 2, want 2: %v", kept, s.problems())
	}
	for _, id := range kept {
		if _, err := os.Stat(catalog.SetDir(dest, "aes-dev", id)); err != nil {
			t.Error(err)
		}
	}
	set, err := manifests.LoadDir(filepath.Join(s.root, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	// The rollback replaces the Restore it rolls back (one desired state per server).
	rollback := manifests.RollbackRestore(set.Restore("dev-refresh"), "dev-daily", kept[0])
	text = strings.ReplaceAll(text[:strings.Index(text, "---\napiVersion: vaultkeeper.io/v1alpha1\nkind: Restore")], "@ROOT@", s.root)
	if err := os.WriteFile(filepath.Join(s.root, "repo", "altium.yaml"), []byte(text+"---\n"+rollback), 0o644); err != nil {
		t.Fatal(err)
	}
	s.start()
	before := len(s.restores("aes-dev"))
	s.step(t0)
	if got := len(s.restores("aes-dev")); got != before {
		t.Fatalf("the rollback ran by itself (%d restores, %d before) although the target's record shows the failed restore: it must wait to be confirmed", got, before)
	}
	// The failed restores left the target's record incomplete: the rollback is held until
	// it is confirmed, as the failed restore's condition says.
	if err := s.a.Request("restore/" + manifests.RollbackName("dev-refresh")); err != nil {
		t.Fatal(err)
	}
	s.step(t0)
	// (The fake hosts fail every restore's final checks; what matters is the set restored.)
	zips := s.restores("aes-dev")
	if len(zips) != before+1 || !strings.HasPrefix(zips[len(zips)-1], catalog.SetDir(dest, "aes-dev", kept[0])) {
		t.Errorf("restores %v: want one more, from safety set %s: %v", zips[before:], kept[0], s.problems())
	}
}

// TestSyncRefusalReasons: a fetch the source refuses says why in the source's status
// reason (NotSigned, Rollback), and the applied revision stays in force.
func TestSyncRefusalReasons(t *testing.T) {
	s := newSim(t, simManifests, time.Date(2026, 10, 6, 3, 0, 0, 0, time.UTC))
	applied := s.store.Snapshot().Source.LastApplied
	for _, c := range []struct {
		err    error
		reason string
	}{
		{fmt.Errorf("git source: commit 1234: %w abcd (a force-push back to an older commit?)", source.ErrRollback), "Rollback: "},
		{fmt.Errorf("git source: commit 1234: %w", source.ErrNotSigned), "NotSigned: "},
		{errors.New("dial tcp: connection refused"), "FetchFailed: "},
	} {
		s.src.mu.Lock()
		s.src.err = c.err
		s.src.mu.Unlock()
		s.a.sync(s.ctx)
		src := s.store.Snapshot().Source
		if src.Ready || !strings.HasPrefix(src.Reason, c.reason) || src.LastApplied != applied {
			t.Errorf("%v: source %+v, want not ready, reason %q…, %s still applied", c.err, src, c.reason, applied)
		}
		if s.a.Revision() != applied || len(s.a.Read().Desired.Servers) == 0 {
			t.Errorf("%v: the applied revision is no longer in force", c.err)
		}
	}
}
