package view

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// editSet rewrites the record of a set writeSet made.
func editSet(t *testing.T, dest, server, id string, edit func(m *catalog.Meta)) {
	t.Helper()
	dir := catalog.SetDir(dest, server, id)
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit(m)
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}

// TestBuildFutureAndTrust: a set dated years ahead counts for nothing (newest, counts,
// planner sets) but is listed as future; each planner set carries the verdict on its
// record; the model says when it must be built again.
func TestBuildFutureAndTrust(t *testing.T) {
	keys, err := setsig.Parse("test", []byte(strings.Repeat("7e", 32)))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := setsig.Parse("other", []byte(strings.Repeat("11", 32)))
	root := t.TempDir()
	dest, nas := filepath.Join(root, "b"), filepath.Join(root, "nas")
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Server, pol.Spec.Destination, pol.Spec.Copies = "s1", dest, []string{nas}
	set := &manifests.Set{Policies: []*manifests.BackupPolicy{pol}}
	sign := func(k *setsig.Keyring) func(m *catalog.Meta) {
		return func(m *catalog.Meta) {
			m.Agent = "a1"
			if err := m.Sign(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeSet(t, dest, "s1", "p", "20261119T020000Z", catalog.KindScheduled, true, 10)
	editSet(t, dest, "s1", "20261119T020000Z", sign(keys))
	writeSet(t, dest, "s1", "p", "20261120T020000Z", catalog.KindScheduled, true, 10)
	editSet(t, dest, "s1", "20261120T020000Z", sign(other))
	writeSet(t, dest, "s1", "p", "20261121T020000Z", catalog.KindScheduled, true, 10)
	editSet(t, dest, "s1", "20261121T020000Z", func(m *catalog.Meta) { sign(keys)(m); m.Agent = "a2" })
	writeSet(t, dest, "s1", "p", "20261122T020000Z", catalog.KindScheduled, true, 10) // unsigned
	writeSet(t, dest, "s1", "p", "20391122T020000Z", catalog.KindScheduled, true, 10) // planted, years ahead
	editSet(t, dest, "s1", "20391122T020000Z", sign(keys))
	writeSet(t, nas, "s1", "p", "20391122T020000Z", catalog.KindScheduled, true, 10)
	// dated by its id within the hour, but finished two hours ahead
	writeSet(t, dest, "s1", "p", "20261122T115000Z", catalog.KindScheduled, true, 10)
	editSet(t, dest, "s1", "20261122T115000Z", func(m *catalog.Meta) { m.Finished = time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC) })
	cat, _, err := catalog.Scan(context.Background(), Roots(set, set))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	m := Build(set, set, cat, Trust{Now: now, Keys: keys})
	p := m.Policy("p")
	if len(p.Future) != 3 {
		t.Errorf("future sets %+v, want the planted set in both roots and the one finished ahead", p.Future)
	}
	if want := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC); !p.Newest.Equal(want) {
		t.Errorf("newest %s, want %s: a future set is not the last success", p.Newest, want)
	}
	if p.Verified != 4 {
		t.Errorf("verified %d, want 4: future sets not counted", p.Verified)
	}
	verdicts := map[string]string{}
	for _, s := range p.Sets {
		verdicts[s.ID] = s.Trust + "/" + s.Agent
	}
	want := map[string]string{
		"20261119T020000Z": "trusted/a1", "20261120T020000Z": "unverifiable/a1", "20261121T020000Z": "forged/a2", "20261122T020000Z": "unsigned/",
	}
	if len(verdicts) != len(want) {
		t.Errorf("planner sets %v, want %v", verdicts, want)
	}
	for id, v := range want {
		if verdicts[id] != v {
			t.Errorf("set %s: %q, want %q", id, verdicts[id], v)
		}
	}
	if len(p.Untrusted) != 3 {
		t.Errorf("untrusted %q, want 3 reasons", p.Untrusted)
	}
	if want := time.Date(2026, 11, 22, 13, 0, 0, 0, time.UTC); !m.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil %s, want %s (the set finished at 14:00 is trusted an hour before)", m.ValidUntil, want)
	}
	future := 0
	for _, b := range m.Backups {
		if b.Future {
			future++
		}
		if b.ID == "20261121T020000Z" && b.Signature != "forged" {
			t.Errorf("backup %s: signature %q, want forged", b.ID, b.Signature)
		}
	}
	if future != 3 || len(m.Backups) != 7 {
		t.Errorf("backups %d, %d future; want all 7 listed, 3 future", len(m.Backups), future)
	}
	// An hour later the set finished at 14:00 is no longer a future set.
	later := Build(set, set, cat, Trust{Now: m.ValidUntil, Keys: keys})
	if lp := later.Policy("p"); len(lp.Future) != 2 || !later.ValidUntil.After(now.AddDate(10, 0, 0)) {
		t.Errorf("at %s: future %+v, valid until %s; want the two planted copies", m.ValidUntil, lp.Future, later.ValidUntil)
	}
}

// TestVerdictsFollowTheCatalog: with the verdict cache, a record loaded again after it
// changed (catalog.Load, as the agent does after a verification) is judged again.
func TestVerdictsFollowTheCatalog(t *testing.T) {
	keys, _ := setsig.Parse("test", []byte(strings.Repeat("7e", 32)))
	dest := t.TempDir()
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Server, pol.Spec.Destination = "s1", dest
	set := &manifests.Set{Policies: []*manifests.BackupPolicy{pol}}
	writeSet(t, dest, "s1", "p", "20261119T020000Z", catalog.KindScheduled, true, 10)
	editSet(t, dest, "s1", "20261119T020000Z", func(m *catalog.Meta) { m.Sign(keys) })
	cat, _, err := catalog.Scan(context.Background(), Roots(set, set))
	if err != nil {
		t.Fatal(err)
	}
	tr := Trust{Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Keys: keys, Verdicts: &Verdicts{}}
	for range 2 {
		if got := Build(set, set, cat, tr).Policy("p").Sets[0].Trust; got != "trusted" {
			t.Fatalf("verdict %q, want trusted", got)
		}
	}
	editSet(t, dest, "s1", "20261119T020000Z", func(m *catalog.Meta) { m.Oracle.Schema = "SYSTEM" })
	s, err := catalog.Load(dest, catalog.SetDir(dest, "s1", "20261119T020000Z"), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := Build(set, set, cat.With(s), tr).Policy("p").Sets[0].Trust; got != "forged" {
		t.Errorf("verdict after the record changed and was loaded again: %q, want forged", got)
	}
}
