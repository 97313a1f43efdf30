package tnsnames

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// TestGolden parses each testdata/*.ora and compares its entries with testdata/*.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ora"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			// The golden files name the fixture with '/', as Windows accepts too.
			f, err := ParseFile(filepath.ToSlash(path))
			if err != nil {
				t.Fatal(err)
			}
			got := dump(t, f)
			testtool.Golden(t, strings.TrimSuffix(path, ".ora")+".golden", got)
		})
	}
}

func dump(t *testing.T, f *File) []byte {
	type entry struct {
		Aliases     []string `json:"aliases"`
		Protocol    string   `json:"protocol"`
		Host        string   `json:"host"`
		Port        int      `json:"port"`
		ServiceName string   `json:"service_name"`
		SID         string   `json:"sid"`
		Descriptor  string   `json:"descriptor"`
		Line        int      `json:"line"`
	}
	var out struct {
		Entries    []entry  `json:"entries"`
		Duplicates []string `json:"duplicates"`
	}
	for _, e := range f.Entries {
		out.Entries = append(out.Entries, entry{e.Aliases, e.Protocol, e.Host, e.Port, e.ServiceName, e.SID, e.Descriptor, e.Pos.Line})
	}
	for _, d := range f.Duplicates {
		out.Duplicates = append(out.Duplicates, d.String())
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in          string
		alias             string
		host              string
		port              int
		service, sid, err string
	}{
		{name: "one line", in: "XE=(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XE)))",
			alias: "xe", host: "h", port: 1521, service: "XE"},
		{name: "alias list and case", in: "a, B.World =\n (description=(address=(protocol=tcp)(host=h2)(port=1))(connect_data=(sid=S)))\n",
			alias: "b.world", host: "h2", port: 1, sid: "S"},
		{name: "descriptor in column 1", in: "X =\n(DESCRIPTION=\n(ADDRESS=(HOST=h)(PORT=2))\n)\n", alias: "X", host: "h", port: 2},
		{name: "comment after value", in: "X=(DESCRIPTION= # why\n (ADDRESS=(HOST=h)(PORT=3)) # 1\n )# end\n", alias: "X", host: "h", port: 3},
		{name: "quoted and escaped", in: "X=(DESCRIPTION=(ADDRESS=(HOST='my host')(PORT=4))(CONNECT_DATA=(SERVICE_NAME=a\\=b)))", alias: "X", host: "my host", port: 4, service: "a=b"},
		{name: "CR only line ends are blanks", in: "X=(DESCRIPTION=\r (ADDRESS=(HOST=h)(PORT=5)))", alias: "X", host: "h", port: 5},
		{name: "empty value", in: "X=(DESCRIPTION=(ADDRESS=(HOST=)(PORT=6)))", alias: "X", host: "", port: 6},
		{name: "missing paren", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1))\nY=(DESCRIPTION=(ADDRESS=(HOST=h)))", err: "t.ora:2:1: missing ')' in X"},
		{name: "indented alias", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h)))\n Y=(DESCRIPTION=(ADDRESS=(HOST=h)))", err: "t.ora:2:2: \"Y\" must start in column 1"},
		{name: "extra paren", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h))))", err: "t.ora:1:35: expected a net service name, got ')'"},
		{name: "extra open", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h)))\n (DESCRIPTION=(ADDRESS=(HOST=h)))", err: "t.ora:2:2: '(' outside any entry"},
		{name: "space in value", in: "X=(DESCRIPTION=(ADDRESS=(HOST=my host)))", err: "t.ora:1:34: the value of HOST contains a space"},
		{name: "bad port", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=15x)))", err: "t.ora:1:34: PORT \"15x\" of X is not a port number"},
		{name: "no address", in: "X=(DESCRIPTION=(CONNECT_DATA=(SID=a)))", err: "t.ora:1:4: the DESCRIPTION of X has no ADDRESS"},
		{name: "not a descriptor", in: "X=(CONNECT_DATA=(SID=a))", err: "expected DESCRIPTION, DESCRIPTION_LIST or ADDRESS, got CONNECT_DATA"},
		{name: "missing equals", in: "X (DESCRIPTION=(ADDRESS=(HOST=h)))", err: "t.ora:1:3: expected '=' after X, got '('"},
		{name: "keyword without equals", in: "X=(DESCRIPTION (ADDRESS=(HOST=h)))", err: "t.ora:1:16: expected '=' after keyword DESCRIPTION"},
		{name: "unterminated quote", in: "X=(DESCRIPTION=(ADDRESS=(HOST=\"h)))\n", err: "t.ora:1:31: quoted value is not closed"},
		{name: "end of file", in: "X=(DESCRIPTION=(ADDRESS=(HOST=h)", err: "t.ora:1:16: missing ')' for (ADDRESS= before the end"},
		{name: "control character", in: "X=(DESCRIPTION=\x00)", err: "t.ora:1:16: control character 0x00"},
		{name: "too deep", in: "X=" + strings.Repeat("(A=", MaxDepth+1) + strings.Repeat(")", MaxDepth+1), err: "nested more than 32 deep"},
		{name: "too long", in: "X=(DESCRIPTION=(ADDRESS=(HOST=" + strings.Repeat("h", MaxDescriptor) + ")))", err: "longer than Oracle's 4096 byte limit"},
		{name: "IFILE without file system", in: "IFILE=other.ora\n", err: "t.ora:1:7: IFILE \"other.ora\": includes need a file system"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.ora", []byte(tt.in))
			if tt.err != "" {
				var pe *Error
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &pe) {
					t.Fatalf("err = %v, want *Error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e, ok := f.Lookup(tt.alias)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", tt.alias)
			}
			if e.Host != tt.host || e.Port != tt.port || e.ServiceName != tt.service || e.SID != tt.sid {
				t.Errorf("got %s:%d service %q sid %q, want %s:%d %q %q", e.Host, e.Port, e.ServiceName, e.SID, tt.host, tt.port, tt.service, tt.sid)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.ora", make([]byte, MaxFileSize+1))
	if err == nil || !strings.Contains(err.Error(), "big.ora:1:1: file is") {
		t.Fatalf("err = %v", err)
	}
}

func TestLookupLastWins(t *testing.T) {
	f, err := Parse("t.ora", []byte("A=(ADDRESS=(HOST=one)(PORT=1))\na=(ADDRESS=(HOST=two)(PORT=2))\n"))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := f.Lookup("A")
	if !ok || e.Host != "two" {
		t.Fatalf("Lookup = %+v, %v; want the last definition, as Oracle Net uses", e, ok)
	}
	if len(f.Duplicates) != 1 || f.Duplicates[0].Last.Line != 2 || f.Duplicates[0].First.Line != 1 {
		t.Fatalf("Duplicates = %+v", f.Duplicates)
	}
	if got, want := f.Duplicates[0].String(), "alias a is defined at t.ora:1:1 and again at t.ora:2:1; Oracle Net uses the last one (t.ora:2:1)"; got != want {
		t.Errorf("warning = %q, want %q", got, want)
	}
	if _, ok := f.Lookup("B"); ok {
		t.Fatal("Lookup of an unknown alias succeeded")
	}
}
