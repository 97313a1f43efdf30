package view

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func writeSet(t *testing.T, dest, server, policy, id, kind string, verified bool, size int64) {
	t.Helper()
	dir := catalog.SetDir(dest, server, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	at, _ := catalog.ParseSetID(id)
	m := &catalog.Meta{Format: catalog.MetaFormat, ID: id, Server: server, Policy: policy, Kind: kind, Started: at,
		Files: []catalog.FileMeta{{Name: catalog.FileZip, Role: catalog.RoleFiles, Size: size}, {Name: catalog.FileDump, Role: catalog.RoleDump, Size: 2 * size},
			{Name: catalog.FileExportLog, Role: catalog.RoleLog, Size: 1}}}
	if verified {
		m.Verifications = []catalog.Verification{{Level: catalog.LevelL1, OK: true, Time: at.Add(time.Hour)}, {Level: catalog.LevelL2, OK: true, Time: at.Add(2 * time.Hour)}}
	}
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}

// TestBuild: the read model counts what the planner, the API and /metrics used to count
// each on their own: primary sets with their replicas, verified and unverified scheduled
// sets (safety sets apart), the newest set and its size, and another agent's policy's
// sets wherever this host reaches them.
func TestBuild(t *testing.T) {
	root := t.TempDir()
	dest, nas, other := filepath.Join(root, "b"), filepath.Join(root, "nas"), filepath.Join(root, "o")
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Server, pol.Spec.Destination, pol.Spec.Copies = "s1", dest, []string{nas}
	foreign := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "q"}}
	foreign.Spec.Server, foreign.Spec.Destination = "s9", other
	r := &manifests.Restore{Metadata: manifests.ObjectMeta{Name: "r"}}
	r.Spec.Server, r.Spec.Source.Policy = "s1", "q"
	desired := &manifests.Set{Policies: []*manifests.BackupPolicy{pol}, Restores: []*manifests.Restore{r}}
	all := &manifests.Set{Policies: []*manifests.BackupPolicy{pol, foreign}, Restores: []*manifests.Restore{r}}

	writeSet(t, dest, "s1", "p", "20261119T020000Z", catalog.KindScheduled, true, 10)
	writeSet(t, nas, "s1", "p", "20261119T020000Z", catalog.KindScheduled, true, 10)
	writeSet(t, dest, "s1", "p", "20261120T020000Z", catalog.KindScheduled, false, 20)
	writeSet(t, dest, "s1", "p", "20261121T020000Z", catalog.KindSafety, true, 30)
	writeSet(t, other, "s9", "q", "20261118T020000Z", catalog.KindScheduled, true, 5)

	cat, _, err := catalog.Scan(context.Background(), Roots(desired, all))
	if err != nil {
		t.Fatal(err)
	}
	m := Build(desired, all, cat, Trust{Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
	p := m.Policy("p")
	if !p.Own || len(p.Sets) != 3 || len(p.Sets[0].Replicas) != 1 || p.Sets[0].Replicas[0] != nas {
		t.Errorf("own policy sets %+v: want 3 primary sets, the first held by %s", p.Sets, nas)
	}
	if p.Verified != 1 || p.Unverified != 1 {
		t.Errorf("verified %d unverified %d, want 1 and 1 (the safety set not counted)", p.Verified, p.Unverified)
	}
	if want := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC); !p.Newest.Equal(want) || p.NewestSize.Total != 61 || p.NewestSize.Dump != 40 {
		t.Errorf("newest %s size %+v, want %s and 61 bytes (40 dump)", p.Newest, p.NewestSize, want)
	}
	if want := time.Date(2026, 11, 19, 3, 0, 0, 0, time.UTC); !p.OldestVerified.Equal(want) {
		t.Errorf("oldest verification %s, want %s (the older of L1 and L2)", p.OldestVerified, want)
	}
	q := m.Policy("q")
	if q.Own || len(q.Sets) != 1 || !q.Sets[0].Verified {
		t.Errorf("another agent's policy: %+v, want its one verified set", q)
	}
	if len(m.Backups) != 5 || m.Backups[0].Policy != "p" || m.Backups[4].Policy != "q" {
		t.Errorf("backups %+v: want all 5 sets, by policy", m.Backups)
	}
	if m.Policy("absent").Sets != nil {
		t.Error("an unknown policy has sets")
	}
}
