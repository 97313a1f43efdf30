package oracli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	par := filepath.Join(dir, "exp.par")
	os.WriteFile(par, []byte("userid=AESUSER313/Altium@XE # creds\nowner=AESUSER313 statistics=none\nfile='/b/x.dmp'\n"), 0o600)
	tests := []struct {
		name string
		argv []string
		want map[string]string
		err  bool
	}{
		{"positional", []string{"AESUSER313/Altium@xe", "owner=AESUSER313", "FILE=c:\\b\\a.dmp"},
			map[string]string{"userid": "AESUSER313/Altium@xe", "owner": "AESUSER313", "file": `c:\b\a.dmp`}, false},
		{"parfile", []string{"parfile=" + par, "log=/b/x.log"},
			map[string]string{"userid": "AESUSER313/Altium@XE", "owner": "AESUSER313", "statistics": "none", "file": "/b/x.dmp", "log": "/b/x.log"}, false},
		{"missing parfile", []string{"parfile=/nonexistent"}, nil, true},
		{"two positionals", []string{"a/b", "c/d"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.argv)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			for k, v := range tc.want {
				if p[k] != v {
					t.Errorf("%s = %q, want %q", k, p[k], v)
				}
			}
		})
	}
}

func TestParseConn(t *testing.T) {
	tests := []struct {
		in   string
		want Conn
	}{
		{"aesuser313/Altium@xe", Conn{User: "AESUSER313", Password: "Altium", Service: "xe"}},
		{"/ as sysdba", Conn{SysDBA: true}},
		{"system/pw", Conn{User: "SYSTEM", Password: "pw"}},
	}
	for _, tc := range tests {
		if got := ParseConn(tc.in); got != tc.want {
			t.Errorf("ParseConn(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
