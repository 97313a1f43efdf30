package catalog

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestUpdateInPlace: a catalog updated with With (a set published) and Without (a set
// removed) equals a fresh Scan of the same folders, and the catalog it came from is not
// changed.
func TestUpdateInPlace(t *testing.T) {
	root := t.TempDir()
	dest, nas := filepath.Join(root, "backups"), filepath.Join(root, "nas")
	roots := []Root{{Policy: "p", Destination: dest}, {Policy: "p", Destination: nas, Replica: true}}
	old := makeSet(t, dest, "aes-prod", "p", "20261120T020000Z")
	makeSet(t, nas, "aes-prod", "p", "20261120T020000Z")
	makeSet(t, dest, "aes-dev", "q", "20261120T023000Z")
	before, _, err := Scan(context.Background(), roots)
	if err != nil {
		t.Fatal(err)
	}
	n := before.Len()

	// Publish a new set in the destination and its replica; remove the old primary.
	var added []Set
	for _, d := range []struct {
		dest    string
		replica bool
	}{{dest, false}, {nas, true}} {
		dir := makeSet(t, d.dest, "aes-prod", "p", "20261121T020000Z")
		s, err := Load(d.dest+string(filepath.Separator), dir, d.replica)
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, s)
	}
	if err := Remove(dest, old, "test"); err != nil {
		t.Fatal(err)
	}
	got := before.With(added...).Without(old)
	want, _, err := Scan(context.Background(), roots)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.sets, want.sets) {
		t.Errorf("updated in place:\n%+v\nscanned:\n%+v", got.sets, want.sets)
	}
	if before.Len() != n {
		t.Errorf("the original catalog changed: %d sets, had %d", before.Len(), n)
	}
	// Replacing a set (a new verification in its record) keeps one entry per folder.
	if again := got.With(added[0]); again.Len() != got.Len() {
		t.Errorf("With of a set already there: %d sets, want %d", again.Len(), got.Len())
	}
}

func TestLoadRefuses(t *testing.T) {
	root := t.TempDir()
	dir := makeSet(t, root, "aes-prod", "p", "20261121T020000Z")
	if _, err := Load(filepath.Join(root, "elsewhere"), dir, false); err == nil {
		t.Error("a set outside its destination was loaded")
	}
	other := filepath.Join(root, "aes-dev", "20261121T020000Z")
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir, other); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(root, other, false); err == nil {
		t.Error("a set whose record names another server was loaded")
	}
}
