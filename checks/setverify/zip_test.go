package setverify

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckZipCapsProblems(t *testing.T) {
	var entries []zipEntry
	for i := range 25 {
		entries = append(entries, zipEntry{fmt.Sprintf("../evil%02d", i), "x", zip.Deflate})
	}
	p := filepath.Join(t.TempDir(), "files.zip")
	if err := os.WriteFile(p, makeZip(t, entries), 0o644); err != nil {
		t.Fatal(err)
	}
	probs := checkZip(context.Background(), p)
	if len(probs) != maxZipProblems+1 {
		t.Fatalf("%d problems, want %d: %v", len(probs), maxZipProblems+1, probs)
	}
	if !strings.Contains(probs[0], `"../evil00"`) || probs[maxZipProblems] != "5 more bad entries not listed" {
		t.Fatalf("problems = %v", probs)
	}
	empty := filepath.Join(t.TempDir(), "empty.zip")
	os.WriteFile(empty, makeZip(t, nil), 0o644)
	if probs := checkZip(context.Background(), empty); len(probs) != 1 || probs[0] != "no entries" {
		t.Fatalf("empty zip: %v", probs)
	}
}
