package sqlgen

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// TestGolden pins the exact text of every statement vaultkeeper sends.
func TestGolden(t *testing.T) {
	must := func(s Stmt, err error) Stmt {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	stmts := []struct {
		name string
		s    Stmt
	}{
		{"ping", Ping()},
		{"user exists", must(UserExists("aesuser313"))},
		{"drop user", must(DropUserCascade("AESUSER313"))},
		{"lock", must(LockUser("AESUSER313", true))},
		{"unlock", must(LockUser("AESUSER313", false))},
		{"kill sessions", must(KillSessions("AESUSER313"))},
		{"count sessions", must(CountSessions("AESUSER313"))},
		{"create user", must(CreateUser("aesuser313", "Alt'ium &1;@/x", "users"))},
		{"grant dba", must(Grant("AESUSER313", DBA))},
		{"grant seed", must(Grant("AESUSER313", Connect, Resource, CreateSession))},
		{"revoke dba", must(Revoke("AESUSER313", DBA))},
		{"has role", must(HasRole("AESUSER313", "dba"))},
		{"object counts", must(ObjectCounts("AESUSER313"))},
		{"list tables", must(ListTables("AESUSER313"))},
		{"count rows", must(CountRows("AESUSER313", "Mixed_Case Table"))},
		{"dump file info", must(DumpfileInfo("DATA_PUMP_DIR", "vaultkeeper-import.dmp"))},
	}
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString("-- " + s.name + "\n" + s.s.SQLPlus())
		if !s.s.PLSQL && strings.HasSuffix(s.s.SQL, ";") {
			t.Errorf("%s: plain SQL ends with ';' (ORA-00933 with go-ora): %q", s.name, s.s.SQL)
		}
		if s.s.PLSQL && !strings.HasSuffix(s.s.SQL, "END;") {
			t.Errorf("%s: PL/SQL block does not end with END;", s.name)
		}
	}
	testtool.Golden(t, filepath.Join("testdata", "statements.golden"), []byte(b.String()))
}

func TestIdentRejectsInjection(t *testing.T) {
	bad := []string{
		"", `x" CASCADE; DROP USER SYS --`, `AES"USER`, "AES USER", "AES;USER", "1AES", "_AES",
		"AES\nUSER", "AES\x00", "AESUSÉR", "ÄES", "AES'--", "AES-USER", "AES.USER",
		strings.Repeat("A", 129),
	}
	for _, name := range bad {
		t.Run(name, func(t *testing.T) {
			for fn, f := range map[string]func(string) (Stmt, error){
				"drop":   DropUserCascade,
				"exists": UserExists,
				"kill":   KillSessions,
				"grant":  func(s string) (Stmt, error) { return Grant(s, DBA) },
				"create": func(s string) (Stmt, error) { return CreateUser(s, "pw", "USERS") },
				"ts":     func(s string) (Stmt, error) { return CreateUser("U", "pw", s) },
				"role":   func(s string) (Stmt, error) { return HasRole("U", s) },
				"rows":   func(s string) (Stmt, error) { return CountRows(s, "T") },
			} {
				st, err := f(name)
				if !errors.Is(err, ErrInvalidIdentifier) {
					t.Errorf("%s(%q) = %q, %v; want ErrInvalidIdentifier", fn, name, st.SQL, err)
				}
			}
		})
	}
}

func TestIdentAccepts(t *testing.T) {
	good := map[string]string{
		"aesuser313":             `"AESUSER313"`,
		"A":                      `"A"`,
		"a$b#c_1":                `"A$B#C_1"`,
		strings.Repeat("x", 128): `"` + strings.Repeat("X", 128) + `"`,
	}
	for in, want := range good {
		if got, err := Ident(in); err != nil || got != want {
			t.Errorf("Ident(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestPassword(t *testing.T) {
	const secret = `Canary"Pw`
	tests := []struct {
		pw      string
		want    string
		wantErr bool
	}{
		{pw: "Altium", want: `"Altium"`},
		{pw: "it's & ; @ / \\ -- spaces ok", want: `"it's & ; @ / \ -- spaces ok"`},
		{pw: "пароль密码🔑", want: `"пароль密码🔑"`},
		{pw: `x" CASCADE; DROP USER SYS --`, wantErr: true},
		{pw: secret, wantErr: true},
		{pw: "line\nbreak", wantErr: true},
		{pw: "cr\rx", wantErr: true},
		{pw: "nul\x00", wantErr: true},
		{pw: "", wantErr: true},
		{pw: "\xff\xfe", wantErr: true},
		{pw: strings.Repeat("p", MaxPasswordBytes+1), wantErr: true},
	}
	for _, tc := range tests {
		got, err := Password(tc.pw)
		if tc.wantErr {
			if !errors.Is(err, ErrInvalidPassword) {
				t.Errorf("Password(%q) = %q, %v; want ErrInvalidPassword", tc.pw, got, err)
			}
			if err != nil && tc.pw != "" && strings.Contains(err.Error(), tc.pw) {
				t.Errorf("error leaks the password: %v", err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Password(%q) = %q, %v; want %q", tc.pw, got, err, tc.want)
		}
	}
	if _, err := CreateUser("U", `bad"pw`, "USERS"); !errors.Is(err, ErrInvalidPassword) || strings.Contains(err.Error(), "bad") {
		t.Errorf("CreateUser with a quote in the password: %v", err)
	}
}

func TestQuoteExisting(t *testing.T) {
	for in, ok := range map[string]bool{
		"ALU_ITEM": true, "mixed Case": true, "Täble": true,
		`a"b`: false, "": false, "a\nb": false, "a\x00": false, strings.Repeat("t", 129): false,
	} {
		_, err := QuoteExisting(in)
		if (err == nil) != ok {
			t.Errorf("QuoteExisting(%q) error = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestPrivileges(t *testing.T) {
	if _, err := Grant("U"); err == nil {
		t.Error("Grant with no privilege accepted")
	}
	for _, p := range []Privilege{"SYSDBA", "DBA TO PUBLIC --", "ALL PRIVILEGES", "dba"} {
		if s, err := Grant("U", p); err == nil {
			t.Errorf("Grant(%q) accepted: %q", p, s.SQL)
		}
		if s, err := Revoke("U", p); err == nil {
			t.Errorf("Revoke(%q) accepted: %q", p, s.SQL)
		}
	}
	if !DBA.IsRole() || CreateSession.IsRole() {
		t.Error("IsRole wrong")
	}
}

// TestDumpfileInfo: the block names the file and the directory object as literals, and
// only a simple file name and a valid directory name get into it.
func TestDumpfileInfo(t *testing.T) {
	s, err := DumpfileInfo("data_pump_dir", "vaultkeeper-import.dmp")
	if err != nil {
		t.Fatal(err)
	}
	if !s.PLSQL || !s.Output || !strings.Contains(s.SQL, "DBMS_DATAPUMP.GET_DUMPFILE_INFO('vaultkeeper-import.dmp', 'DATA_PUMP_DIR', info, ft)") {
		t.Fatalf("statement: %+v", s)
	}
	if sp := s.SQLPlus(); !strings.HasPrefix(sp, "SET SERVEROUTPUT ON SIZE UNLIMITED\n") || !strings.HasSuffix(sp, "END;\n/\nSET SERVEROUTPUT OFF\n") {
		t.Errorf("sqlplus text: %q", sp)
	}
	for _, tc := range []struct{ dir, file string }{
		{"DATA_PUMP_DIR", "../x.dmp"}, {"DATA_PUMP_DIR", `c:\x.dmp`}, {"DATA_PUMP_DIR", "x'; DROP USER a; --"},
		{"DATA_PUMP_DIR", ""}, {"DIR'X", "x.dmp"}, {"", "x.dmp"},
	} {
		if s, err := DumpfileInfo(tc.dir, tc.file); err == nil {
			t.Errorf("DumpfileInfo(%q, %q) accepted: %s", tc.dir, tc.file, s.SQL)
		}
	}
}
