package view

import (
	"testing"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func TestOrphanReason(t *testing.T) {
	all := &manifests.Set{Policies: []*manifests.BackupPolicy{{
		Metadata: manifests.ObjectMeta{Name: "nightly"},
		Spec:     manifests.BackupPolicySpec{Destination: "/b/new", Copies: []string{"/nas"}},
	}}}
	for _, c := range []struct {
		policy, dest, want string
	}{
		{"nightly", "/b/new", ""},
		{"nightly", "/b/new/", ""},
		{"nightly", "/nas", ""},
		{"nightly", "/b/old", "not in policy nightly's destination /b/new or its copies (the destination changed)"},
		{"weekly", "/b/new", "policy weekly is not in the revision in force (deleted or renamed)"},
	} {
		if got := OrphanReason(all, c.policy, c.dest); got != c.want {
			t.Errorf("OrphanReason(%s, %s) = %q, want %q", c.policy, c.dest, got, c.want)
		}
	}
}

func TestDropped(t *testing.T) {
	before := []catalog.Root{{Policy: "a", Destination: "/b/old"}, {Policy: "a", Destination: "/nas", Replica: true}, {Policy: "b", Destination: "/b/old/"}}
	after := []catalog.Root{{Policy: "a", Destination: "/b/new"}, {Policy: "a", Destination: "/nas", Replica: true}}
	got := Dropped(before, after)
	if len(got) != 1 || got[0].Destination != "/b/old" || got[0].Policy != "a" {
		t.Fatalf("Dropped = %+v, want only /b/old (once)", got)
	}
	if got := Dropped(after, after); len(got) != 0 {
		t.Errorf("Dropped of the same roots = %+v", got)
	}
}
