package tnsnames

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse panic or hang, and that every entry it returns
// can be looked up and has a descriptor that parses back to the same first address.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.ora"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"A, B = (DESCRIPTION_LIST=(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1)))(CONNECT_DATA=(SID=s))))",
		"X=\n(DESCRIPTION=\n  (ADDRESS=(HOST='a b')(PORT=2)) # c\n)\nIFILE=x.ora\nP=v\n",
		"X=(DESCRIPTION=(ADDRESS=(HOST=\"q\\\"x\")))",
		"\xef\xbb\xbfX =\r\n\t(ADDRESS=(HOST=h)(PORT=3))\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The lenient reading (Read, Resolve) must end too, and find every entry the strict one does.
		st := &state{out: newFile("fuzz.ora")}
		_ = st.run("fuzz.ora", data, 0)
		for _, e := range st.out.Entries {
			if a := e.Aliases[0]; strings.HasSuffix(a, ".") {
				continue // a final dot asks for the name without it
			}
			if _, err := st.out.resolve(&Resolution{Alias: e.Aliases[0]}); err != nil && len(st.out.Broken) == 0 {
				t.Fatalf("alias %q of a parsed entry does not resolve: %v", e.Aliases[0], err)
			}
		}
		file, err := Parse("fuzz.ora", data)
		if err != nil {
			return
		}
		for _, e := range file.Entries {
			for _, a := range e.Aliases {
				if _, ok := file.Lookup(a); !ok {
					t.Fatalf("alias %q of a parsed entry cannot be looked up", a)
				}
			}
			if strings.Contains(e.Descriptor, "\\") {
				continue // a backslash before a closing quote cannot round-trip
			}
			back, err := Parse("descriptor", []byte("X="+e.Descriptor))
			if err != nil {
				t.Fatalf("descriptor %q does not parse: %v", e.Descriptor, err)
			}
			b := back.Entries[0]
			if b.Host != e.Host || b.Port != e.Port || b.Protocol != e.Protocol || b.ServiceName != e.ServiceName || b.SID != e.SID || b.Descriptor != e.Descriptor {
				t.Fatalf("descriptor %q parses back to %+v, want %+v", e.Descriptor, b, e)
			}
		}
	})
}
