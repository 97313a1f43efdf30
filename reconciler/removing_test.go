package reconciler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRescanIgnoresAnInFlightRemoval: a `.removing` folder is a set being deleted, possibly by
// another policy sharing the destination (on Windows deleting a large set takes long enough
// for other scans to see it). The scan must not warn about it as "not a backup set" (issue 18).
func TestRescanIgnoresAnInFlightRemoval(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	t0 := time.Date(2026, 10, 6, 12, 0, 0, 0, zurich)
	s := newSim(t, simManifests, t0)
	doomed := filepath.Join(s.root, "backups", "aes-dev", "20261005T003000Z.removing")
	if err := os.MkdirAll(doomed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(doomed, "files.zip"), []byte("being removed"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.a.rescan(s.ctx)
	for _, l := range s.problems() {
		if strings.Contains(l, ".removing") {
			t.Errorf("the scan warned about an in-flight removal: %s", l)
		}
	}
}
