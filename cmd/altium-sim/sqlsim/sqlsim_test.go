package sqlsim

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

const prelude = "SET DEFINE OFF\nWHENEVER SQLERROR EXIT SQL.SQLCODE\n" +
	"SET PAGESIZE 0 FEEDBACK OFF HEADING OFF VERIFY OFF ECHO OFF TAB OFF TRIMOUT ON LINESIZE 32767 NUMWIDTH 38 COLSEP '|'\n"

func newRoot(t *testing.T, mutate func(st *simdb.State)) string {
	t.Helper()
	root := t.TempDir()
	st, err := simdb.Seed(simdb.SeedOptions{Schema: "AESUSER313", Password: "Altium", AdminPassword: "Manager1", Tables: 3, Rows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(&st)
	}
	if err := simdb.Create(root, st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "tnsnames.ora"), []byte(host.RenderTnsnames("XE", "db01")), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		mutate   func(st *simdb.State)
		script   string
		want     string // exact stdout
		wantCode int
		check    func(t *testing.T, st simdb.State)
	}{
		{name: "ping", script: prelude + "CONNECT / AS SYSDBA\nSELECT 1 FROM DUAL;\nEXIT\n",
			want: strings.Repeat(" ", 37) + "1\n"},
		{name: "not connected is SP2 and exit 0", script: prelude + "SELECT 1 FROM DUAL;\nEXIT\n",
			want: "SP2-0640: Not connected\n"},
		{name: "drop missing user", script: prelude + "CONNECT / AS SYSDBA\nDROP USER \"NOPE\" CASCADE;\nEXIT\n",
			want: "DROP USER \"NOPE\" CASCADE\n*\nERROR at line 1:\nORA-01918: user 'NOPE' does not exist\n\n", wantCode: 1918 % 256},
		{name: "drop connected user", mutate: func(st *simdb.State) { st.Users["AESUSER313"].Sessions = 3 },
			script: prelude + "CONNECT / AS SYSDBA\nDROP USER \"AESUSER313\" CASCADE;\n",
			want:   "DROP USER \"AESUSER313\" CASCADE\n*\nERROR at line 1:\nORA-01940: cannot drop a user that is currently connected\n\n", wantCode: 1940 % 256},
		{name: "lock, kill, drop", mutate: func(st *simdb.State) { st.Users["AESUSER313"].Sessions = 3 },
			script: prelude + "CONNECT / AS SYSDBA\nALTER USER \"AESUSER313\" ACCOUNT LOCK;\n" + killBlock + "/\n" +
				"SELECT COUNT(*) FROM V$SESSION WHERE USERNAME = 'AESUSER313';\nDROP USER \"AESUSER313\" CASCADE;\nEXIT\n",
			want: strings.Repeat(" ", 37) + "0\n",
			check: func(t *testing.T, st simdb.State) {
				if st.Users["AESUSER313"] != nil {
					t.Error("user still exists")
				}
			}},
		{name: "create, grant, count", script: prelude + "CONNECT / AS SYSDBA\n" +
			"CREATE USER \"VK1\" IDENTIFIED BY \"p'w &x;@/\" DEFAULT TABLESPACE \"USERS\" QUOTA UNLIMITED ON \"USERS\";\n" +
			"GRANT CONNECT, RESOURCE, CREATE SESSION TO \"VK1\";\n" +
			"SELECT COUNT(*) FROM DBA_USERS WHERE USERNAME = 'VK1';\n" +
			"SELECT COUNT(*) FROM DBA_ROLE_PRIVS WHERE GRANTEE = 'VK1' AND GRANTED_ROLE = 'DBA';\n" +
			"CONNECT VK1/\"p'w &x;@/\"@XE\nSELECT COUNT(*) FROM DBA_USERS WHERE USERNAME = 'VK1';\n",
			want: strings.Repeat(" ", 37) + "1\n" + strings.Repeat(" ", 37) + "0\n" +
				"SELECT COUNT(*) FROM DBA_USERS WHERE USERNAME = 'VK1'\n*\nERROR at line 1:\nORA-00942: table or view does not exist\n\n",
			wantCode: 942 % 256,
			check: func(t *testing.T, st simdb.State) {
				u := st.Users["VK1"]
				if u == nil || u.Password != "p'w &x;@/" || !u.HasRole("CONNECT") || !u.HasPrivilege("CREATE SESSION") {
					t.Errorf("VK1 = %+v", u)
				}
			}},
		{name: "create existing", script: prelude + "CONNECT / AS SYSDBA\nCREATE USER \"AESUSER313\" IDENTIFIED BY \"x\" DEFAULT TABLESPACE \"USERS\" QUOTA UNLIMITED ON \"USERS\";\n",
			want:     "CREATE USER \"AESUSER313\" IDENTIFIED BY \"x\" DEFAULT TABLESPACE \"USERS\" QUOTA UNLIMITED ON \"USERS\"\n*\nERROR at line 1:\nORA-01920: user name 'AESUSER313' conflicts with another user or role name\n\n",
			wantCode: 1920 % 256},
		{name: "revoke not granted", script: prelude + "CONNECT / AS SYSDBA\nREVOKE DBA FROM \"AESUSER313\";\n",
			want: "REVOKE DBA FROM \"AESUSER313\"\n*\nERROR at line 1:\nORA-01951: ROLE 'DBA' not granted to 'AESUSER313'\n\n", wantCode: 1951 % 256},
		{name: "wrong password", script: prelude + "CONNECT AESUSER313/\"wrong\"@XE\nSELECT 1 FROM DUAL;\n",
			want: "ERROR:\nORA-01017: invalid username/password; logon denied\n\n\n", wantCode: 1017 % 256},
		{name: "locked account", mutate: func(st *simdb.State) { st.Users["AESUSER313"].Locked = true },
			script: prelude + "CONNECT AESUSER313/\"Altium\"@XE\n",
			want:   "ERROR:\nORA-28000: the account is locked\n\n\n", wantCode: 28000 % 256},
		{name: "unknown alias", script: prelude + "CONNECT AESUSER313/\"Altium\"@NOPE\n",
			want: "ERROR:\nORA-12154: TNS:could not resolve the connect identifier specified\n\n\n", wantCode: 12154 % 256},
		{name: "login by descriptor", script: prelude + "CONNECT AESUSER313/\"Altium\"@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db01)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XE)))\nEXIT\n"},
		{name: "anything else is ORA-00900", script: prelude + "CONNECT / AS SYSDBA\nALTER SYSTEM SWITCH LOGFILE;\n",
			want: "ALTER SYSTEM SWITCH LOGFILE\n*\nERROR at line 1:\nORA-00900: invalid SQL statement\n\n", wantCode: 900 % 256},
		{name: "trailing text after a statement shape", script: prelude + "CONNECT / AS SYSDBA\nDROP USER \"X\" CASCADE PURGE;\n",
			want: "DROP USER \"X\" CASCADE PURGE\n*\nERROR at line 1:\nORA-00900: invalid SQL statement\n\n", wantCode: 900 % 256},
		{name: "unknown command and SET option", script: "FOO bar\nSET NONSENSE ON\nEXIT 3\n",
			want: "SP2-0734: unknown command beginning \"FOO bar...\" - rest of line ignored.\nSP2-0158: unknown SET option \"NONSENSE\"\n", wantCode: 3},
		{name: "object and row counts", script: prelude + "CONNECT / AS SYSDBA\n" +
			"SELECT OBJECT_TYPE, COUNT(*) FROM DBA_OBJECTS WHERE OWNER = 'AESUSER313' AND OBJECT_NAME NOT LIKE 'BIN$%' GROUP BY OBJECT_TYPE ORDER BY OBJECT_TYPE;\n" +
			"PROMPT @@\nSELECT TABLE_NAME FROM DBA_TABLES WHERE OWNER = 'AESUSER313' AND TABLE_NAME NOT LIKE 'BIN$%' ORDER BY TABLE_NAME;\n" +
			"SELECT COUNT(*) FROM \"AESUSER313\".\"ALU_FOLDER\";\nSELECT COUNT(*) FROM \"AESUSER313\".\"alu_folder\";\n",
			want: "INDEX                  |                                     6\nLOB                    |                                     1\n" +
				"PROCEDURE              |                                     2\nSEQUENCE               |                                     2\n" +
				"TABLE                  |                                     3\nTRIGGER                |                                     1\n" +
				"VIEW                   |                                     3\n@@\nALU_FOLDER\nALU_ITEM\nALU_ITEMREVISION\n" +
				strings.Repeat(" ", 36) + "12\n" +
				"SELECT COUNT(*) FROM \"AESUSER313\".\"alu_folder\"\n*\nERROR at line 1:\nORA-00942: table or view does not exist\n\n",
			wantCode: 942 % 256},
		{name: "define on eats the next line", script: "CONNECT / AS SYSDBA\nCREATE USER \"VK2\" IDENTIFIED BY \"a&b\";\nEXIT\n",
			want: "Enter value for b: old   1: CREATE USER \"VK2\" IDENTIFIED BY \"a&b\"\nnew   1: CREATE USER \"VK2\" IDENTIFIED BY \"aEXIT\"\n\nUser created.\n\n",
			check: func(t *testing.T, st simdb.State) {
				if u := st.Users["VK2"]; u == nil || u.Password != "aEXIT" {
					t.Errorf("VK2 = %+v", u)
				}
			}},
		{name: "headings and feedback by default", script: "CONNECT / AS SYSDBA\nSELECT COUNT(*) FROM DBA_USERS WHERE USERNAME = 'SYS';\nDROP USER \"AESUSER313\" CASCADE;\n",
			want: "\n  COUNT(*)\n----------\n         1\n\n\nUser dropped.\n\n"},
		{name: "logon argument fails", args: []string{"-S", "AESUSER313/bad@XE"},
			want: "ERROR:\nORA-01017: invalid username/password; logon denied\n\n\nSP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus\n", wantCode: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := newRoot(t, tc.mutate)
			args := tc.args
			if args == nil {
				args = []string{"-S", "/nolog"}
			}
			var out, errOut bytes.Buffer
			code := Run(root, args, strings.NewReader(tc.script), &out, &errOut)
			if code != tc.wantCode {
				t.Errorf("exit = %d, want %d", code, tc.wantCode)
			}
			if out.String() != tc.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), tc.want)
			}
			if tc.check != nil {
				db, err := simdb.Open(root)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				tc.check(t, db.State)
			}
		})
	}
}

const killBlock = `BEGIN
  FOR s IN (SELECT SID, SERIAL# FROM V$SESSION WHERE USERNAME = 'AESUSER313') LOOP
    BEGIN
      EXECUTE IMMEDIATE 'ALTER SYSTEM KILL SESSION ''' || s.SID || ',' || s.SERIAL# || ''' IMMEDIATE';
    EXCEPTION
      WHEN OTHERS THEN
        IF SQLCODE != -30 THEN
          RAISE;
        END IF;
    END;
  END LOOP;
END;
`

func TestParseLogon(t *testing.T) {
	tests := []struct {
		in   string
		want logon
		ok   bool
	}{
		{"/ as sysdba", logon{os: true, sysdba: true}, true},
		{`aes/"p@ss/w rd"@XE`, logon{user: "AES", password: "p@ss/w rd", ident: "XE"}, true},
		{"aes/pw@xe as SYSDBA", logon{user: "AES", password: "pw", ident: "xe", sysdba: true}, true},
		{`"Mixed"/pw`, logon{user: "Mixed", password: "pw"}, true},
		{"aes", logon{user: "AES"}, true},
		{"", logon{}, false},
		{`aes/"unterminated@XE`, logon{}, false},
	}
	for _, tc := range tests {
		got, ok := parseLogon(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseLogon(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
