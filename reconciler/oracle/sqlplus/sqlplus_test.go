package sqlplus

import (
	"errors"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

func TestParseError(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want string
	}{
		{"ora", "DROP USER \"X\" CASCADE\n*\nERROR at line 1:\nORA-01918: user 'X' does not exist\n", "ORA-01918: user 'X' does not exist"},
		{"pls detail", "BEGIN\n*\nERROR at line 1:\nORA-06550: line 1, column 7:\nPLS-00201: identifier 'X' must be declared\n", "ORA-06550: line 1, column 7: PLS-00201: identifier 'X' must be declared"},
		{"sp2", "SP2-0640: Not connected\n", "SP2-0640: Not connected"},
		{"rows only", "@@VAULTKEEPER-NEXT@@\n   1\n", ""},
	}
	for _, tc := range tests {
		err := parseError(strings.Split(tc.out, "\n"))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: parseError = %q, want %q", tc.name, got, tc.want)
		}
	}
	var sp *SP2Error
	if !errors.As(parseError([]string{"SP2-0640: Not connected"}), &sp) || sp.Code != 640 {
		t.Error("SP2 not typed")
	}
	if oracle.Code(parseError([]string{"ORA-01940: cannot drop a user that is currently connected"})) != 1940 {
		t.Error("ORA not typed")
	}
}

func TestSplit(t *testing.T) {
	lines := []string{marker, "INDEX   |   4", "TABLE|2", "", marker, marker, "  7"}
	got, err := split(lines, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[0]) != 2 || got[0][0][0] != "INDEX" || got[0][0][1] != "4" || len(got[1]) != 0 || got[2][0][0] != "7" {
		t.Errorf("split = %q", got)
	}
	if _, err := split(lines, 4); err == nil {
		t.Error("missing answers not detected (sqlplus stopped early)")
	}
	if _, err := split([]string{"stray"}, 0); err == nil {
		t.Error("output before the first marker accepted")
	}
}

func TestScripts(t *testing.T) {
	drop, _ := sqlgen.DropUserCascade("U")
	s := Script([]sqlgen.Stmt{drop})
	for _, want := range []string{"SET DEFINE OFF\n", "WHENEVER SQLERROR EXIT SQL.SQLCODE\n", "CONNECT / AS SYSDBA\n", "DROP USER \"U\" CASCADE;\n", "EXIT\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "SET DEFINE OFF") > strings.Index(s, "CONNECT") {
		t.Error("DEFINE must be off before anything holding '&'")
	}
	ls, err := LoginScript("XE", "aesuser313", "p&w;1")
	if err != nil || !strings.Contains(ls, "CONNECT AESUSER313/\"p&w;1\"@XE\n") {
		t.Errorf("LoginScript = %q, %v", ls, err)
	}
	for _, bad := range [][3]string{{"XE", "a b", "pw"}, {"XE", "U", `p"w`}, {"X\nE", "U", "pw"}, {"", "U", "pw"}} {
		if _, err := LoginScript(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("LoginScript%q accepted", bad)
		} else if strings.Contains(err.Error(), bad[2]) {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}
