package testtool

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

// update is the -update flag of every test binary that uses Golden: one definition, so no
// package registers its own.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/ instead of comparing with them")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Golden compares got with the golden file; with -update it first rewrites the file. A
// difference fails the test and shows what the code produced now.
func Golden(t testing.TB, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (check it, then go test -update rewrites it):\n%s", golden, got)
	}
}
