package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPublish(t *testing.T) {
	dest := t.TempDir()
	dir := makeSet(t, dest, "aes-prod", "nightly", "20260101T020000Z")
	writeFile(t, filepath.Join(dir, FileZip), "zip")
	partial := dir + PartialSuffix
	if err := os.Rename(dir, partial); err != nil {
		t.Fatal(err)
	}
	final, err := Publish(partial)
	if err != nil {
		t.Fatal(err)
	}
	if final != dir {
		t.Fatalf("Publish = %s, want %s", final, dir)
	}
	if _, err := os.Stat(partial); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("partial folder still there: %v", err)
	}
	if _, err := ReadMeta(final); err != nil {
		t.Fatal(err)
	}

	// Refusals.
	noMeta := filepath.Join(dest, "aes-prod", "20260102T020000Z"+PartialSuffix)
	writeFile(t, filepath.Join(noMeta, FileZip), "zip")
	clash := makeSet(t, dest, "aes-prod", "nightly", "20260103T020000Z")
	clashPartial := filepath.Join(dest, "aes-prod", "20260103T020000Z"+PartialSuffix)
	if err := os.MkdirAll(clashPartial, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteMeta(clashPartial, testMeta("aes-prod", "nightly", "20260103T020000Z")); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{
		"no suffix":      clash,
		"no metadata":    noMeta,
		"already exists": clashPartial,
		"bad id":         filepath.Join(dest, "aes-prod", "evil"+PartialSuffix),
	} {
		if _, err := Publish(p); err == nil {
			t.Errorf("%s: Publish(%s) succeeded", name, p)
		}
	}
}

func TestRemove(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "dest")
	victim := makeSet(t, dest, "aes-prod", "nightly", "20260101T020000Z")
	outside := makeSet(t, filepath.Join(root, "other"), "aes-prod", "nightly", "20260101T020000Z")
	noMeta := filepath.Join(dest, "aes-prod", "20260102T020000Z")
	writeFile(t, filepath.Join(noMeta, FileZip), "zip")
	linkTarget := makeSet(t, filepath.Join(root, "elsewhere"), "aes-prod", "nightly", "20260103T020000Z")
	link := filepath.Join(dest, "aes-prod", "20260103T020000Z")
	if err := os.Symlink(linkTarget, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "other", "aes-prod"), filepath.Join(dest, "linked")); err != nil {
		t.Fatal(err)
	}
	wrongMeta := makeSet(t, dest, "aes-prod", "nightly", "20260104T020000Z")
	if err := WriteMeta(wrongMeta, testMeta("aes-prod", "nightly", "20260105T020000Z")); err != nil {
		t.Fatal(err)
	}

	refusals := []struct{ name, dest, dir, reason string }{
		{"no reason", dest, victim, " "},
		{"outside the destination", dest, outside, "test"},
		{"dot-dot", dest, dest + "/aes-prod/../../other/aes-prod/20260101T020000Z", "test"},
		{"the destination itself", dest, dest, "test"},
		{"the server folder", dest, filepath.Join(dest, "aes-prod"), "test"},
		{"too deep", dest, filepath.Join(victim, "sub"), "test"},
		{"no vaultkeeper.json", dest, noMeta, "test"},
		{"set is a symlink", dest, link, "test"},
		{"server is a symlink", dest, filepath.Join(dest, "linked", "20260101T020000Z"), "test"},
		{"metadata names another set", dest, wrongMeta, "test"},
		{"relative paths", "dest", "dest/aes-prod/20260101T020000Z", "test"},
	}
	for _, tc := range refusals {
		err := Remove(tc.dest, tc.dir, tc.reason)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: Remove = %v, want ErrRefused", tc.name, err)
		}
	}
	for _, p := range []string{victim, outside, noMeta, linkTarget, wrongMeta} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s was touched: %v", p, err)
		}
	}
	if err := Remove(dest, victim, "retention: not kept by daily"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(victim); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("set still there: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dest, "aes-prod"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), RemovingSuffix) {
			t.Fatalf("left %s behind", e.Name())
		}
	}
}

func TestMetaRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := testMeta("aes-prod", "nightly", "20260101T020000Z")
	m.Format = 0
	if err := WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != MetaFormat || got.ID != m.ID || !got.Complete() || got.Verified() {
		t.Fatalf("read back %+v", got)
	}
	if err := WriteMeta(dir, &Meta{ID: "../x", Server: "aes-prod"}); err == nil {
		t.Fatal("WriteMeta accepted an escaping id")
	}
	if _, err := ReadMeta(t.TempDir()); !errors.Is(err, ErrNotASet) {
		t.Fatalf("ReadMeta of an empty folder = %v, want ErrNotASet", err)
	}
}

// TestRemoveAfterAnInterruptedRemoval: a removal interrupted after its rename left
// `X.removing`; the set X came back (restored from a copy). Removing X again must not rename
// a folder onto the existing one (Windows refuses, Linux refuses when it is not empty): the
// leftover, already doomed, is deleted first (issue 18).
func TestRemoveAfterAnInterruptedRemoval(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "dest")
	set := makeSet(t, dest, "aes-prod", "nightly", "20260101T020000Z")
	writeFile(t, filepath.Join(set+RemovingSuffix, FileZip), "leftover of an interrupted removal")
	if err := Remove(dest, set, "test"); err != nil {
		t.Fatalf("Remove with a leftover %s: %v", RemovingSuffix, err)
	}
	for _, p := range []string{set, set + RemovingSuffix} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
}
