package tnsnames

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/internal/corpustest"
)

type expectedEntry struct {
	Protocol    string `json:"protocol"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	ServiceName string `json:"service_name"`
	SID         string `json:"sid"`
}

// TestCorpus reads every tnsnames file of the shared real-world corpus in place and compares
// what Lookup finds with expected.json.
func TestCorpus(t *testing.T) {
	dir := corpustest.Dir(t)
	var want map[string]map[string]expectedEntry
	corpustest.Expected(t, dir, "tnsnames", &want)
	files, err := filepath.Glob(filepath.Join(dir, "tnsnames", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, path := range files {
		rel := "tnsnames/" + filepath.Base(path)
		t.Run(rel, func(t *testing.T) {
			f, err := ParseFile(path)
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			exp, ok := want[rel]
			if !ok {
				t.Fatalf("%s is not described in expected.json", rel)
			}
			for alias, w := range exp {
				e, ok := f.Lookup(alias)
				if !ok {
					t.Errorf("alias %s not found", alias)
					continue
				}
				if w.Protocol != "" && !strings.EqualFold(w.Protocol, e.Protocol) {
					t.Errorf("%s protocol = %q, want %q", alias, e.Protocol, w.Protocol)
				}
				if w.Host != "" && w.Host != e.Host {
					t.Errorf("%s host = %q, want %q", alias, e.Host, w.Host)
				}
				if w.Port != 0 && w.Port != e.Port {
					t.Errorf("%s port = %d, want %d", alias, e.Port, w.Port)
				}
				if w.ServiceName != e.ServiceName {
					t.Errorf("%s service_name = %q, want %q", alias, e.ServiceName, w.ServiceName)
				}
				if w.SID != e.SID {
					t.Errorf("%s sid = %q, want %q", alias, e.SID, w.SID)
				}
				if !strings.HasPrefix(e.Descriptor, "(DESCRIPTION=") {
					t.Errorf("%s descriptor = %q", alias, e.Descriptor)
				}
				// The descriptor must parse back to the same first address.
				back, err := Parse("descriptor", []byte("X="+e.Descriptor))
				if err != nil {
					t.Errorf("%s descriptor does not parse: %v", alias, err)
				} else if b := back.Entries[0]; b.Host != e.Host || b.Port != e.Port || b.ServiceName != e.ServiceName || b.SID != e.SID {
					t.Errorf("%s descriptor round trip = %+v, want %+v", alias, b, e)
				}
			}
		})
	}
}
