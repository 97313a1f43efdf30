package host

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLookupTNSLastWins: like Oracle Net, the simulated tools use the last definition of an alias.
func TestLookupTNSLastWins(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tnsnames.ora")
	data := RenderTnsnames("XE", "first-db") + "\n" + RenderTnsnames("xe", "second-db")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	e, ok, err := LookupTNS(p, "Xe")
	if err != nil || !ok || e.Host != "second-db" || e.Port != 1521 || e.Service != "XE" {
		t.Fatalf("LookupTNS = %+v, %v, %v; want the second definition", e, ok, err)
	}
}
