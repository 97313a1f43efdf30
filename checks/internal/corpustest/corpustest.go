package corpustest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus folder, ../shared/corpus relative to the repository root (the
// folder holding go.mod above the test's working directory). When the folder is absent the
// test is skipped, except under CI (CI set), where the corpus must be present and the test fails.
func Dir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatalf("no go.mod above %s", wd)
		}
		root = parent
	}
	dir := filepath.Join(root, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "expected.json")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared corpus is required under CI and is missing at %s: %v", dir, err)
		}
		t.Skipf("shared corpus not present at %s: %v", dir, err)
	}
	return dir
}

// Expected decodes the part of expected.json named section ("tnsnames" or "iis") into v.
func Expected(t testing.TB, dir, section string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	raw, ok := all[section]
	if !ok {
		t.Fatalf("expected.json has no %q section", section)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("expected.json %s: %v", section, err)
	}
}
