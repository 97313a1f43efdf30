package tnsnames

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	dir := func(name string) string { return filepath.Join("testdata", "resolve", name) }
	tests := []struct {
		name, path, alias string
		want              string // lookup name, protocol host:port service/sid, source file:line
		warn              []string
		err               string
	}{
		{name: "default domain qualifies an unqualified alias", path: dir("utplsql-cli-90"), alias: "DB_TEST_DEV",
			want: "DB_TEST_DEV.world TCP 10.1.1.1:1550 sid=DB_T_DEV tnsnames.ora:3",
			warn: []string{"NAMES.DEFAULT_DOMAIN = world in testdata/resolve/utplsql-cli-90/sqlnet.ora: DB_TEST_DEV is looked up as DB_TEST_DEV.world"}},
		{name: "a qualified name is looked up as written, in any case", path: dir("utplsql-cli-90"), alias: "db_test_dev.WORLD",
			want: "db_test_dev.WORLD TCP 10.1.1.1:1550 sid=DB_T_DEV tnsnames.ora:3"},
		{name: "unknown alias names the qualified name", path: dir("utplsql-cli-90"), alias: "PROD",
			err: "has no alias PROD.world (PROD qualified by NAMES.DEFAULT_DOMAIN = world in testdata/resolve/utplsql-cli-90/sqlnet.ora)"},
		{name: "multi-alias line: first", path: dir("kartik-multi-alias"), alias: "ora12cr1.test", want: "ora12cr1.test TCP 192.168.56.100:1521 service=ORA12CR1.test tnsnames.ora:1"},
		{name: "multi-alias line: middle", path: dir("kartik-multi-alias"), alias: "ORA12CR1", want: "ORA12CR1 TCP 192.168.56.100:1521 service=ORA12CR1.test tnsnames.ora:1"},
		{name: "multi-alias line: last", path: dir("kartik-multi-alias"), alias: "otheralias.test", want: "otheralias.test TCP 192.168.56.100:1521 service=ORA12CR1.test tnsnames.ora:1"},
		{name: "the include's later definition wins", path: dir("mixed"), alias: "aes",
			want: "aes TCP new-db.corp.example.com:1522 service=aes more.ora:1",
			warn: []string{"alias AES is defined at testdata/resolve/mixed/tnsnames.ora:2:1 and again at testdata/resolve/mixed/more.ora:1:1; Oracle Net uses the last one (testdata/resolve/mixed/more.ora:1:1)",
				"skipped (Oracle Net passes over it too): testdata/resolve/mixed/tnsnames.ora:14:1: missing ')' in BROKEN (started at line 9)"}},
		{name: "a definition after the IFILE wins over the include's", path: dir("mixed"), alias: "LATE",
			want: "LATE TCP late-main:1521 service=late tnsnames.ora:29"},
		{name: "the entry after a broken one resolves", path: dir("mixed"), alias: "next", want: "next TCP next-db:1521 sid=NEXT tnsnames.ora:14",
			warn: []string{"skipped (Oracle Net passes over it too): testdata/resolve/mixed/tnsnames.ora:14:1: missing ')' in BROKEN"}},
		{name: "the broken entry itself is an error naming file:line", path: dir("mixed"), alias: "Broken",
			err: "tnsnames.ora entry Broken (testdata/resolve/mixed/tnsnames.ora:9:1) has an error, so Oracle Net cannot resolve it: testdata/resolve/mixed/tnsnames.ora:14:1: missing ')' in BROKEN (started at line 9)"},
		{name: "Easy Connect with protocol", path: dir("mixed"), alias: "PROD", want: "PROD TCP db1.example.com:1522 service=prodsvc tnsnames.ora:17"},
		{name: "Easy Connect host:port/service", path: dir("mixed"), alias: "dev", want: "dev TCP devdb:1521 service=devpdb tnsnames.ora:18"},
		{name: "Easy Connect without a port", path: dir("mixed"), alias: "NOPORT", want: "NOPORT TCP qa-db.example.com:1521 service=qapdb tnsnames.ora:19"},
		{name: "Easy Connect IPv6, server and instance", path: dir("mixed"), alias: "V6", want: "V6 TCP ::1:1525 service=v6svc tnsnames.ora:20"},
		{name: "a parameter given twice takes the last value", path: dir("mixed"), alias: "TWICE", want: "TWICE TCP second:1521 service=twice tnsnames.ora:23",
			warn: []string{"testdata/resolve/mixed/tnsnames.ora:23:79: HOST of TWICE is given again in the same (ADDRESS=…) after testdata/resolve/mixed/tnsnames.ora:23:52; Oracle Net uses the last value, second"}},
		{name: "domain from the last NAMES.DEFAULT_DOMAIN", path: dir("unqualified"), alias: "vault", want: "vault.CORP TCP qualified:1521 service=vault tnsnames.ora:3"},
		{name: "an unqualified entry is found with a final dot", path: dir("unqualified"), alias: "AES.", want: "AES TCP plain:1521 service=aes tnsnames.ora:2"},
		{name: "an unqualified entry is not found without it", path: dir("unqualified"), alias: "aes",
			err: `has no alias aes.CORP (aes qualified by NAMES.DEFAULT_DOMAIN = CORP in testdata/resolve/unqualified/sqlnet.ora); aes at testdata/resolve/unqualified/tnsnames.ora:2:1 has no domain, and Oracle Net only finds it as "aes." (with a final dot) or when the entry is named aes.CORP`},
		// Norman Dunbar's "worst tnsnames.ora you will ever see", the test file of his ANTLR checker.
		{name: "checker: the duplicate's last definition", path: dir("tnsnames-checker"), alias: "lsnr_messfred",
			want: "lsnr_messfred TCP 10.0xFe0.029.0X27:1524 service= tnsnames.ora:57",
			warn: []string{"alias LSNR_MESSFRED is defined at testdata/resolve/tnsnames-checker/tnsnames.ora:48:1 and again at testdata/resolve/tnsnames-checker/tnsnames.ora:57:1",
				"skipped (Oracle Net passes over it too): testdata/resolve/tnsnames-checker/tnsnames.ora:97:9: IFILE \"/this/is/a/double_quoted/ifile/entry/tnsnames.ora\"",
				"skipped (Oracle Net passes over it too): testdata/resolve/tnsnames-checker/tnsnames.ora:310:16: expected a keyword after '(', got ')'"}},
		{name: "checker: an alias of a multi-alias line redefined later", path: dir("tnsnames-checker"), alias: "ALIAS3.dunbar-it.co.uk",
			want: "ALIAS3.dunbar-it.co.uk TCP srvr_barney.world.co.uk:1522 service=shared_server tnsnames.ora:230"},
		{name: "checker: the other aliases of that line", path: dir("tnsnames-checker"), alias: "alias_2.world",
			want: "alias_2.world TCP abcde32-vip:1522 sid=sid_sid tnsnames.ora:107",
			warn: []string{"testdata/resolve/tnsnames-checker/tnsnames.ora:183:29: SID of alias_1 is given again in the same (CONNECT_DATA=…) after testdata/resolve/tnsnames-checker/tnsnames.ora:183:16; Oracle Net uses the last value, sid_y"}},
		{name: "checker: repeated IPC parameters", path: dir("tnsnames-checker"), alias: "LSNR_WILMA",
			want: "LSNR_WILMA IPC :0 service= tnsnames.ora:66",
			warn: []string{"testdata/resolve/tnsnames-checker/tnsnames.ora:67:63: KEY of LSNR_WILMA is given again in the same (ADDRESS=…) after testdata/resolve/tnsnames-checker/tnsnames.ora:67:31; Oracle Net uses the last value, LSNR_WILMA"}},
		{name: "checker: the broken last entry", path: dir("tnsnames-checker"), alias: "RMANCATALOG",
			err: "tnsnames.ora entry RMANCATALOG (testdata/resolve/tnsnames-checker/tnsnames.ora:310:1) has an error, so Oracle Net cannot resolve it: testdata/resolve/tnsnames-checker/tnsnames.ora:310:16: expected a keyword after '(', got ')'"},
		{name: "a file path works like its folder", path: filepath.Join(dir("kartik-multi-alias"), "tnsnames.ora"), alias: "ORA12CR1", want: "ORA12CR1 TCP 192.168.56.100:1521 service=ORA12CR1.test tnsnames.ora:1"},
		{name: "missing file", path: dir("nope"), alias: "X", err: "read tnsnames.ora"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Resolve(tt.path, tt.alias)
			if tt.err != "" {
				// Paths in the expected texts are written with '/'; Windows prints '\\'.
				if err == nil || !strings.Contains(filepath.ToSlash(err.Error()), tt.err) {
					t.Fatalf("Resolve = %+v, %v; want error containing %q", r, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			what := "service=" + r.ServiceName
			if r.SID != "" {
				what = "sid=" + r.SID
			}
			got := r.Name + " " + r.Protocol + " " + r.Host + ":" + strconv.Itoa(r.Port) + " " + what + " " + filepath.Base(r.Pos.File) + ":" + strconv.Itoa(r.Pos.Line)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			for _, w := range tt.warn {
				found := false
				for _, g := range r.Warnings {
					found = found || strings.HasPrefix(filepath.ToSlash(g), w)
				}
				if !found {
					t.Errorf("no warning starting %q in %q", w, r.Warnings)
				}
			}
			if len(tt.warn) == 0 && strings.Contains(tt.path, "kartik") && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", r.Warnings)
			}
			// The descriptor handed to drivers says what the resolution says.
			back, err := Parse("descriptor", []byte("X="+r.Descriptor))
			if err != nil {
				t.Fatalf("descriptor %q: %v", r.Descriptor, err)
			}
			if b := back.Entries[0]; b.Host != r.Host || b.Port != r.Port || b.ServiceName != r.ServiceName || b.SID != r.SID || len(b.Warnings) != 0 {
				t.Errorf("descriptor %q parses back to %+v", r.Descriptor, b)
			}
		})
	}
}

// TestSkipBrokenEntries: whatever the syntax error, the entries after it still resolve, and
// the strict Parse (what `inspect tnsnames` uses) still fails naming file:line.
func TestSkipBrokenEntries(t *testing.T) {
	const good = "GOOD = (DESCRIPTION = (ADDRESS = (PROTOCOL = TCP)(HOST = g)(PORT = 1521)))\n"
	tests := []struct{ name, bad, err string }{
		{"missing paren", "BAD = (DESCRIPTION = (ADDRESS = (HOST = b)(PORT = 1))\n", "t.ora:2:1: missing ')' in BAD"},
		{"extra paren", "BAD = (ADDRESS = (HOST = b)))\n", "t.ora:1:29: expected a net service name, got ')'"},
		{"missing equals", "BAD (ADDRESS = (HOST = b))\n", "t.ora:1:5: expected '=' after BAD"},
		{"unterminated quote", "BAD = (ADDRESS = (HOST = \"b))\n", "t.ora:1:26: quoted value is not closed"},
		{"control character", "BAD = (ADDRESS = (HOST = b\x01))\n", "t.ora:1:27: control character 0x01"},
		{"bad port", "BAD = (ADDRESS = (HOST = b)(PORT = x))\n", "t.ora:1:29: PORT \"x\" of BAD"},
		{"bad Easy Connect port", "BAD = host:99999/svc\n", "t.ora:1:7: Easy Connect \"host:99999/svc\": port \"99999\""},
		{"indented alias", "  BAD = (ADDRESS = (HOST = b))\n", "t.ora:1:3: \"BAD\" must start in column 1"},
		{"space in value", "BAD = (ADDRESS = (HOST = b c))\n", "t.ora:1:28: the value of HOST contains a space"},
		{"stray open", "(ADDRESS = (HOST = b))\n", "t.ora:1:1: '(' outside any entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.bad + good)
			if _, err := Parse("t.ora", data); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse err = %v, want %q", err, tt.err)
			}
			st := &state{out: newFile("t.ora")}
			if err := st.lenient(st.run("t.ora", data, 0)); err != nil {
				t.Fatal(err)
			}
			f := st.out
			if e, ok := f.Lookup("good"); !ok || e.Host != "g" {
				t.Fatalf("GOOD after the broken entry: %+v, %v (errors %v)", e, ok, f.Errors)
			}
			if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Error(), tt.err) {
				t.Errorf("Errors = %v, want one containing %q", f.Errors, tt.err)
			}
			r, err := f.resolve(&Resolution{Alias: "BAD"})
			switch tt.name {
			case "extra paren": // BAD itself is whole; the stray ')' after it is skipped
				if err != nil || r.Host != "b" || len(r.Warnings) != 1 {
					t.Errorf("resolve(BAD) = %+v, %v; want b with a warning", r, err)
				}
			case "stray open", "indented alias": // no name was read: BAD is unknown, the error says where to look
				if err == nil || !strings.Contains(err.Error(), "has no alias BAD; 1 part(s) of the file could not be read and may hold it, the first: "+tt.err) {
					t.Errorf("resolve(BAD) = %+v, %v", r, err)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), "has an error, so Oracle Net cannot resolve it: "+tt.err) {
					t.Errorf("resolve(BAD) = %+v, %v", r, err)
				}
			}
		})
	}
}

// TestBrokenThenRedefined: an earlier broken definition is passed over for a later good one,
// and the warnings still show both the duplicate and the error skipped.
func TestBrokenThenRedefined(t *testing.T) {
	st := &state{out: newFile("t.ora")}
	data := "XE = (DESCRIPTION = (ADDRESS = (HOST = old)(PORT = x)))\nXE = new:1522/XE\n"
	if err := st.lenient(st.run("t.ora", []byte(data), 0)); err != nil {
		t.Fatal(err)
	}
	r, err := st.out.resolve(&Resolution{Alias: "xe"})
	if err != nil || r.Host != "new" || r.Port != 1522 {
		t.Fatalf("resolve = %+v, %v", r, err)
	}
	want := []string{
		"alias XE is defined at t.ora:1:1 and again at t.ora:2:1; Oracle Net uses the last one (t.ora:2:1)",
		`skipped (Oracle Net passes over it too): t.ora:1:45: PORT "x" of XE is not a port number (1-65535)`,
	}
	if strings.Join(r.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(r.Warnings, "\n"), strings.Join(want, "\n"))
	}
}
