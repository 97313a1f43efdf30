package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSqlplusThroughDispatcher: DROP USER hits ORA-01940 while IIS runs (the application
// holds sessions) and works once IIS is stopped; the call is logged like every tool.
func TestSqlplusThroughDispatcher(t *testing.T) {
	h := newHost(t)
	script := "WHENEVER SQLERROR EXIT SQL.SQLCODE\nDROP USER AESUSER313 CASCADE;\nEXIT\n"
	r := h.runIn(script, "sqlplus", "-S", "/ as sysdba")
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "ORA-01940") {
		t.Fatalf("drop with IIS running: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
	mustCode(t, "drop with IIS stopped", h.runIn(script, "sqlplus", "-S", "/ as sysdba"), 0)
	ev := h.events()
	if last := ev[len(ev)-1]; last.Tool != "sqlplus" || last.Phase != "end" {
		t.Fatalf("last event = %+v", last)
	}
}

// TestVerifyGrantsPerRelease: the restore seed's grants typed into sqlplus. On 11.2 and
// 12.1 REVOKE DBA also removes the quota CREATE USER gave (MOS 1169515.1); on 19c the
// quota stays, but a table in a second tablespace has none. verify says isDBA while the
// role is held and quotaOK only when every segment tablespace can grow.
func TestVerifyGrantsPerRelease(t *testing.T) {
	const create = "WHENEVER SQLERROR EXIT SQL.SQLCODE\nCREATE USER APP2 IDENTIFIED BY pw DEFAULT TABLESPACE USERS QUOTA UNLIMITED ON USERS;\nEXIT\n"
	for _, tc := range []struct {
		release, lob string
		noQuota      string
	}{
		{"11.2", "", "[USERS]"},
		{"12.1", "", "[USERS]"},
		{"19c", "", "[]"},
		{"19c", "ALTIUM_LOB", "[ALTIUM_LOB]"},
		{"21c-xe", "", "[]"},
	} {
		t.Run(tc.release+tc.lob, func(t *testing.T) {
			extra := []string{"--oracle-version", tc.release}
			if tc.lob != "" {
				extra = append(extra, "--lob-tablespace", tc.lob)
			}
			h := newHost(t, extra...)
			mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
			container := ""
			if tc.release == "21c-xe" { // always a CDB
				container = "ALTER SESSION SET CONTAINER = XEPDB1;\n"
			}
			sql := func(s string) {
				t.Helper()
				mustCode(t, s, h.runIn("WHENEVER SQLERROR EXIT SQL.SQLCODE\n"+container+s+"\nEXIT\n", "sqlplus", "-S", "/ as sysdba"), 0)
			}
			sql(strings.TrimSuffix(strings.TrimPrefix(create, "WHENEVER SQLERROR EXIT SQL.SQLCODE\n"), "EXIT\n"))
			sql(`REVOKE UNLIMITED TABLESPACE FROM AESUSER313;`)
			sql(`ALTER USER AESUSER313 QUOTA UNLIMITED ON USERS;`)
			sql(`GRANT DBA TO AESUSER313;`)
			if rep, _ := h.verify(); !rep.IsDBA || !rep.QuotaOK {
				t.Fatalf("with DBA: %+v", rep)
			}
			sql(`REVOKE DBA FROM AESUSER313;`)
			rep, code := h.verify()
			got := "[]"
			if len(rep.NoQuota) > 0 {
				got = "[" + strings.Join(rep.NoQuota, " ") + "]"
			}
			if rep.IsDBA || got != tc.noQuota || rep.QuotaOK != (tc.noQuota == "[]") || (code == 0) != rep.QuotaOK {
				t.Fatalf("after REVOKE DBA: %+v (exit %d), want noQuota %s", rep, code, tc.noQuota)
			}
		})
	}
}

// TestGloginRunsAfterEveryConnect: init --glogin installs a site profile that sqlplus runs
// after the logon argument and after every CONNECT; its SET commands change what follows.
func TestGloginRunsAfterEveryConnect(t *testing.T) {
	glogin, err := filepath.Abs("testdata/glogin.sql")
	if err != nil {
		t.Fatal(err)
	}
	h := newHost(t, "--glogin", glogin)
	r := h.runIn("SET PAGESIZE 0 FEEDBACK OFF TIMING OFF AUTOTRACE OFF\nCONNECT / AS SYSDBA\nSELECT 1 FROM DUAL;\nCONNECT / AS SYSDBA\nEXIT\n", "sqlplus", "-S", "/nolog")
	mustCode(t, "sqlplus", r, 0)
	for what, n := range map[string]int{"Connected: production database, be careful": 2, "Elapsed: 00:00:00.01": 3, "Execution Plan": 3} {
		if got := strings.Count(r.stdout, what); got != n {
			t.Errorf("%q printed %d times, want %d:\n%s", what, got, n, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "SP2-") {
		t.Errorf("the profile's commands are not all understood:\n%s", r.stdout)
	}
}

// TestMultitenant: on a CDB, `sqlplus / as sysdba` lands in CDB$ROOT, where the
// application's local user does not exist: DROP USER gives ORA-01918 and CREATE USER
// ORA-65096 until ALTER SESSION SET CONTAINER switches to the PDB. The tnsnames alias
// names the PDB's service, so exp with the schema's password works as before.
func TestMultitenant(t *testing.T) {
	for _, flags := range [][]string{{"--oracle-version", "19c", "--cdb", "--pdb", "ALTPDB"}, {"--oracle-version", "21c-xe"}} {
		t.Run(flags[1], func(t *testing.T) {
			h := newHost(t, flags...)
			pdb := "ALTPDB"
			if flags[1] == "21c-xe" {
				pdb = "XEPDB1"
			}
			mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
			sql := func(script string) result {
				return h.runIn("WHENEVER SQLERROR EXIT SQL.SQLCODE\n"+script+"EXIT\n", "sqlplus", "-S", "/ as sysdba")
			}
			r := sql("SELECT SYS_CONTEXT('USERENV', 'CON_NAME') FROM DUAL;\nDROP USER AESUSER313 CASCADE;\n")
			if r.code == 0 || !strings.Contains(r.stdout, "CDB$ROOT") || !strings.Contains(r.stdout, "ORA-01918") {
				t.Fatalf("DROP USER in the root: exit %d\n%s", r.code, r.stdout)
			}
			r = sql("CREATE USER APP2 IDENTIFIED BY pw;\n")
			if r.code == 0 || !strings.Contains(r.stdout, "ORA-65096: invalid common user or role name") {
				t.Fatalf("CREATE USER in the root: exit %d\n%s", r.code, r.stdout)
			}
			r = sql("ALTER SESSION SET CONTAINER = NOPE;\n")
			if !strings.Contains(r.stdout, "ORA-65011") {
				t.Fatalf("unknown PDB: %s", r.stdout)
			}
			r = sql("ALTER SESSION SET CONTAINER = " + pdb + ";\nSELECT SYS_CONTEXT('USERENV', 'CON_NAME') FROM DUAL;\nCREATE USER APP2 IDENTIFIED BY pw;\nDROP USER AESUSER313 CASCADE;\n")
			mustCode(t, "the same in the PDB:\n"+r.stdout, r, 0)
			if !strings.Contains(r.stdout, pdb) {
				t.Fatalf("CON_NAME in the PDB:\n%s", r.stdout)
			}
		})
	}
	h := newHost(t, "--cdb", "--pdb", "ALTPDB")
	mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
	mustCode(t, "exp through the PDB's alias", h.exp(t.TempDir()), 0)
	const alter = "ALTER SESSION SET CONTAINER = ALTPDB;\nEXIT\n"
	cdb := h.runIn(alter, "sqlplus", "-S", "/ as sysdba")
	nonCDB := newHost(t).runIn(alter, "sqlplus", "-S", "/ as sysdba")
	if !strings.Contains(nonCDB.stdout, "ORA-65090") || strings.Contains(cdb.stdout, "ORA-") {
		t.Fatalf("non-CDB: %s; CDB: %s", nonCDB.stdout, cdb.stdout)
	}
}
