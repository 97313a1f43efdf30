package catalog

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	root := t.TempDir()
	prim, repl := filepath.Join(root, "primary"), filepath.Join(root, "replica")
	makeSet(t, prim, "aes-prod", "nightly", "20260102T020000Z")
	makeSet(t, prim, "aes-prod", "nightly", "20260101T020000Z")
	makeSet(t, prim, "aes-prod", "hourly", "20260101T030000Z")
	makeSet(t, prim, "aes-test", "nightly", "20260101T020000Z")
	makeSet(t, repl, "aes-prod", "nightly", "20260101T020000Z")
	// Things that are not sets.
	partial := makeSet(t, prim, "aes-prod", "nightly", "20260103T020000Z")
	if err := os.Rename(partial, partial+PartialSuffix); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(prim, "aes-prod", "20260104T020000Z", FileMetadata), "{not json")
	writeFile(t, filepath.Join(prim, "aes-prod", "20260105T020000Z", FileZip), "zip")
	writeFile(t, filepath.Join(prim, "aes-prod", "notes", "x.txt"), "x")
	writeFile(t, filepath.Join(prim, "aes-prod", "README"), "x")
	writeFile(t, filepath.Join(prim, "Weird Server", "x"), "x")
	mis := makeSet(t, prim, "aes-prod", "nightly", "20260106T020000Z")
	m := testMeta("aes-test", "nightly", "20260106T020000Z") // names another server
	if err := WriteMeta(mis, m); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(prim, "aes-prod", "20260108T020000Z", FileMetadata), `{"format":9,"id":"20260108T020000Z","server":"aes-prod"}`)

	roots := []Root{
		{Policy: "nightly", Destination: prim},
		{Policy: "hourly", Destination: prim + "/"}, // the same folder is walked once
		{Policy: "nightly", Destination: repl, Replica: true},
		{Policy: "nightly", Destination: filepath.Join(root, "missing")},
	}
	before := tree(t, root)
	cat, problems, err := Scan(context.Background(), roots)
	if err != nil {
		t.Fatal(err)
	}
	if after := tree(t, root); !slices.Equal(before, after) {
		t.Fatalf("scan changed the tree:\nbefore %v\nafter  %v", before, after)
	}
	if got, want := cat.Len(), 5; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
	var got []string
	for _, s := range cat.Sets("aes-prod", "nightly") {
		rel, _ := filepath.Rel(root, s.Dir)
		got = append(got, filepath.ToSlash(rel))
	}
	want := []string{"primary/aes-prod/20260101T020000Z", "replica/aes-prod/20260101T020000Z", "primary/aes-prod/20260102T020000Z"}
	if !slices.Equal(got, want) {
		t.Errorf("Sets(aes-prod, nightly) = %v, want %v", got, want)
	}
	if in := cat.SetsIn(repl, "aes-prod", "nightly"); len(in) != 1 || !in[0].Replica {
		t.Errorf("SetsIn(replica) = %+v, want one replica set", in)
	}
	if keys := cat.Keys(); len(keys) != 3 {
		t.Errorf("Keys = %v, want 3", keys)
	}

	wantProblems := map[string]ProblemKind{
		"primary/aes-prod/20260103T020000Z.partial": ProblemPartial,
		"primary/aes-prod/20260104T020000Z":         ProblemBadMeta,
		"primary/aes-prod/20260105T020000Z":         ProblemNotASet,
		"primary/aes-prod/notes":                    ProblemNotASet,
		"primary/aes-prod/README":                   ProblemNotASet,
		"primary/Weird Server":                      ProblemNotASet,
		"primary/aes-prod/20260106T020000Z":         ProblemBadMeta,
		"primary/aes-prod/20260108T020000Z":         ProblemBadMeta,
	}
	gotProblems := map[string]ProblemKind{}
	for _, p := range problems {
		rel, _ := filepath.Rel(root, p.Path)
		gotProblems[filepath.ToSlash(rel)] = p.Kind
		if p.Reason == "" {
			t.Errorf("problem %s has no reason", p.Path)
		}
	}
	for p, k := range wantProblems {
		if gotProblems[p] != k {
			t.Errorf("problem %s = %q, want %q", p, gotProblems[p], k)
		}
	}
	if len(gotProblems) != len(wantProblems) {
		t.Errorf("problems = %v, want %v", gotProblems, wantProblems)
	}
}

func TestScanCancelled(t *testing.T) {
	dest := t.TempDir()
	makeSet(t, dest, "aes-prod", "nightly", "20260101T020000Z")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Scan(ctx, []Root{{Policy: "nightly", Destination: dest}}); err == nil {
		t.Fatal("Scan with a cancelled context succeeded")
	}
}

// tree lists every path under root with its size, to prove nothing changed.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, strings.TrimPrefix(p, root)+":"+fi.Mode().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseSetID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"20261121T020000Z", true},
		{"20261121T020000", false},
		{"../20261121T020000Z", false},
		{"20261121T020000Z/..", false},
		{"20261321T020000Z", false}, // month 13
		{"2026112xT020000Z", false},
		{"", false},
	} {
		_, err := ParseSetID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("ParseSetID(%q) err = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

// TestScanSymlink: a symbolic link where a set would be is a problem, never followed (needs
// real symbolic links: on Windows NTFS ones, which Wine does not make; README).
func TestScanSymlink(t *testing.T) {
	prim := filepath.Join(t.TempDir(), "primary")
	set := makeSet(t, prim, "aes-prod", "nightly", "20260101T020000Z")
	link := filepath.Join(prim, "aes-prod", "20260107T020000Z")
	if err := os.Symlink(set, link); err != nil {
		t.Fatal(err)
	}
	cat, problems, err := Scan(context.Background(), []Root{{Policy: "nightly", Destination: prim}})
	if err != nil {
		t.Fatal(err)
	}
	if cat.Len() != 1 {
		t.Errorf("Len = %d, want 1 (the link is not a set)", cat.Len())
	}
	if len(problems) != 1 || problems[0].Path != link || problems[0].Kind != ProblemSymlink {
		t.Errorf("problems = %v, want %s as %s", problems, link, ProblemSymlink)
	}
}
