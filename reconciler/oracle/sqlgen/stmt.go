package sqlgen

import (
	"fmt"
	"strings"
)

// Stmt is one statement or PL/SQL block, without a sqlplus terminator.
type Stmt struct {
	// SQL is the text as go-ora sends it.
	SQL string
	// PLSQL is true for an anonymous block (ends with "END;").
	PLSQL bool
	// Mask lists the secrets SQL carries (a password), to be masked wherever the statement
	// or a tool's echo of it could be logged, returned in an error or stored.
	Mask []string
	// Output is true for a PL/SQL block that answers through DBMS_OUTPUT, one row a line,
	// columns separated by '|' (the drivers read those lines as its rows).
	Output bool
}

// SQLPlus returns the statement terminated for a sqlplus script: ";" after SQL, a "/"
// line after a PL/SQL block.
func (s Stmt) SQLPlus() string {
	if s.Output {
		return "SET SERVEROUTPUT ON SIZE UNLIMITED\n" + s.SQL + "\n/\nSET SERVEROUTPUT OFF\n"
	}
	if s.PLSQL {
		return s.SQL + "\n/\n"
	}
	return s.SQL + ";\n"
}

// Privilege is a role or system privilege vaultkeeper grants or revokes.
type Privilege string

// The privileges the restore runbook uses (the seeds' grants).
const (
	DBA           Privilege = "DBA"
	Connect       Privilege = "CONNECT"
	Resource      Privilege = "RESOURCE"
	CreateSession Privilege = "CREATE SESSION"
)

// Privileges lists every Privilege sqlgen accepts.
var Privileges = []Privilege{DBA, Connect, Resource, CreateSession}

// IsRole reports whether p is a role (as opposed to a system privilege).
func (p Privilege) IsRole() bool { return p != CreateSession }

func privList(privs []Privilege) (string, error) {
	if len(privs) == 0 {
		return "", fmt.Errorf("no privilege given")
	}
	parts := make([]string, 0, len(privs))
	for _, p := range privs {
		ok := false
		for _, k := range Privileges {
			ok = ok || p == k
		}
		if !ok {
			return "", fmt.Errorf("privilege %q is not one of %v", string(p), Privileges)
		}
		parts = append(parts, string(p))
	}
	return strings.Join(parts, ", "), nil
}

// Ping is the cheapest round trip.
func Ping() Stmt { return Stmt{SQL: "SELECT 1 FROM DUAL"} }

// UserExists counts the users called user (0 or 1).
func UserExists(user string) (Stmt, error) {
	l, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_USERS WHERE USERNAME = " + l}, nil
}

// DropUserCascade drops user and everything it owns.
func DropUserCascade(user string) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "DROP USER " + q + " CASCADE"}, nil
}

// LockUser locks (lock true) or unlocks an account.
func LockUser(user string, lock bool) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	op := "UNLOCK"
	if lock {
		op = "LOCK"
	}
	return Stmt{SQL: "ALTER USER " + q + " ACCOUNT " + op}, nil
}

// KillSessions ends every session of user. A session that ended by itself meanwhile
// (ORA-00030) is not an error.
func KillSessions(user string) (Stmt, error) {
	l, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{PLSQL: true, SQL: `BEGIN
  FOR s IN (SELECT SID, SERIAL# FROM V$SESSION WHERE USERNAME = ` + l + `) LOOP
    BEGIN
      EXECUTE IMMEDIATE 'ALTER SYSTEM KILL SESSION ''' || s.SID || ',' || s.SERIAL# || ''' IMMEDIATE';
    EXCEPTION
      WHEN OTHERS THEN
        IF SQLCODE != -30 THEN
          RAISE;
        END IF;
    END;
  END LOOP;
END;`}, nil
}

// CountSessions counts the sessions of user.
func CountSessions(user string) (Stmt, error) {
	l, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM V$SESSION WHERE USERNAME = " + l}, nil
}

// CreateUser creates user with password, its default tablespace and an unlimited quota
// on it (so the schema keeps working once DBA is revoked again).
func CreateUser(user, password, tablespace string) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	pw, err := Password(password)
	if err != nil {
		return Stmt{}, fmt.Errorf("create user %s: %w", q, err)
	}
	ts, err := Ident(tablespace)
	if err != nil {
		return Stmt{}, fmt.Errorf("create user %s: default tablespace: %w", q, err)
	}
	return Stmt{SQL: "CREATE USER " + q + " IDENTIFIED BY " + pw + " DEFAULT TABLESPACE " + ts + " QUOTA UNLIMITED ON " + ts,
		Mask: []string{password}}, nil
}

// Grant grants privileges to user.
func Grant(user string, privs ...Privilege) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	list, err := privList(privs)
	if err != nil {
		return Stmt{}, fmt.Errorf("grant to %s: %w", q, err)
	}
	return Stmt{SQL: "GRANT " + list + " TO " + q}, nil
}

// Revoke revokes privileges from user.
func Revoke(user string, privs ...Privilege) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	list, err := privList(privs)
	if err != nil {
		return Stmt{}, fmt.Errorf("revoke from %s: %w", q, err)
	}
	return Stmt{SQL: "REVOKE " + list + " FROM " + q}, nil
}

// HasRole counts the grants of role to user (0 or 1).
func HasRole(user, role string) (Stmt, error) {
	u, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	r, err := literal(role)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_ROLE_PRIVS WHERE GRANTEE = " + u + " AND GRANTED_ROLE = " + r}, nil
}

// ObjectCounts returns rows (OBJECT_TYPE, COUNT) of the schema, recycle bin excluded.
func ObjectCounts(schema string) (Stmt, error) {
	l, err := literal(schema)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT OBJECT_TYPE, COUNT(*) FROM DBA_OBJECTS WHERE OWNER = " + l +
		" AND OBJECT_NAME NOT LIKE 'BIN$%' GROUP BY OBJECT_TYPE ORDER BY OBJECT_TYPE"}, nil
}

// ListTables returns rows (TABLE_NAME) of the schema's tables, recycle bin excluded.
func ListTables(schema string) (Stmt, error) {
	l, err := literal(schema)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT TABLE_NAME FROM DBA_TABLES WHERE OWNER = " + l +
		" AND TABLE_NAME NOT LIKE 'BIN$%' ORDER BY TABLE_NAME"}, nil
}

// CountRows counts the rows of schema.table; table is a name read from ListTables.
func CountRows(schema, table string) (Stmt, error) {
	s, err := Ident(schema)
	if err != nil {
		return Stmt{}, err
	}
	t, err := QuoteExisting(table)
	if err != nil {
		return Stmt{}, fmt.Errorf("count rows of %s: %w", s, err)
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM " + s + "." + t}, nil
}

// SchemaTablespaces returns rows (TABLESPACE_NAME) of every tablespace holding a segment,
// table, index or LOB of the schema. DBA_SEGMENTS alone misses tables created without a
// segment (deferred segment creation, 11.2 onward), hence the union with the dictionary
// views that name a table's, an index's and a LOB's tablespace.
func SchemaTablespaces(schema string) (Stmt, error) {
	l, err := literal(schema)
	if err != nil {
		return Stmt{}, err
	}
	sql := "SELECT TABLESPACE_NAME FROM DBA_SEGMENTS WHERE OWNER = " + l
	for _, view := range []string{"DBA_TABLES", "DBA_INDEXES", "DBA_LOBS"} {
		sql += " UNION SELECT TABLESPACE_NAME FROM " + view + " WHERE OWNER = " + l + " AND TABLESPACE_NAME IS NOT NULL"
	}
	return Stmt{SQL: sql}, nil
}

// QuotaUnlimited gives user an unlimited quota on tablespace.
func QuotaUnlimited(user, tablespace string) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	ts, err := Ident(tablespace)
	if err != nil {
		return Stmt{}, fmt.Errorf("quota of %s: tablespace: %w", q, err)
	}
	return Stmt{SQL: "ALTER USER " + q + " QUOTA UNLIMITED ON " + ts}, nil
}

// HasUnlimitedTablespace counts the direct grants of UNLIMITED TABLESPACE to user (0 or 1).
func HasUnlimitedTablespace(user string) (Stmt, error) {
	u, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_SYS_PRIVS WHERE GRANTEE = " + u + " AND PRIVILEGE = 'UNLIMITED TABLESPACE'"}, nil
}

// QuotaTablespaces returns rows (TABLESPACE_NAME) of the tablespaces where user's quota
// leaves room: unlimited (MAX_BYTES -1) or not used up.
func QuotaTablespaces(user string) (Stmt, error) {
	u, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT TABLESPACE_NAME FROM DBA_TS_QUOTAS WHERE USERNAME = " + u +
		" AND (MAX_BYTES = -1 OR MAX_BYTES > BYTES) ORDER BY TABLESPACE_NAME"}, nil
}

// InvalidCount counts the schema's objects with status INVALID, recycle bin excluded.
func InvalidCount(schema string) (Stmt, error) {
	l, err := literal(schema)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_OBJECTS WHERE OWNER = " + l +
		" AND STATUS = 'INVALID' AND OBJECT_NAME NOT LIKE 'BIN$%'"}, nil
}

// CompileSchema recompiles the schema's invalid objects (compile_all FALSE): views and
// PL/SQL an import created with compilation warnings become valid once what they depend
// on exists.
func CompileSchema(schema string) (Stmt, error) {
	l, err := literal(schema)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{PLSQL: true, SQL: "BEGIN\n  DBMS_UTILITY.COMPILE_SCHEMA(" + l + ", FALSE);\nEND;"}, nil
}

// SetContainer switches the session into container pdb (a CDB's pluggable database).
func SetContainer(pdb string) (Stmt, error) {
	q, err := Ident(pdb)
	if err != nil {
		return Stmt{}, fmt.Errorf("container: %w", err)
	}
	return Stmt{SQL: "ALTER SESSION SET CONTAINER = " + q}, nil
}

// ContainerName returns one row: the session's container (CON_NAME, 12.1 onward).
func ContainerName() Stmt {
	return Stmt{SQL: "SELECT SYS_CONTEXT('USERENV', 'CON_NAME') FROM DUAL"}
}

// DatabaseCharset returns one row: the database character set (NLS_CHARACTERSET).
func DatabaseCharset() Stmt {
	return Stmt{SQL: "SELECT VALUE FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER = 'NLS_CHARACTERSET'"}
}

// GrantDirectory grants READ and WRITE on directory object dir to user (Data Pump needs
// them for a user without DBA or the DATAPUMP_*_FULL_DATABASE roles).
func GrantDirectory(user, dir string) (Stmt, error) {
	u, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	d, err := Ident(dir)
	if err != nil {
		return Stmt{}, fmt.Errorf("grant on directory to %s: %w", u, err)
	}
	return Stmt{SQL: "GRANT READ, WRITE ON DIRECTORY " + d + " TO " + u}, nil
}

// DirectoryGrants counts user's READ and WRITE grants on directory object dir (2: both).
func DirectoryGrants(user, dir string) (Stmt, error) {
	u, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	d, err := literal(dir)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_TAB_PRIVS WHERE GRANTEE = " + u + " AND TABLE_NAME = " + d + " AND PRIVILEGE IN ('READ', 'WRITE')"}, nil
}

// DefaultTablespace returns one row: user's default tablespace.
func DefaultTablespace(user string) (Stmt, error) {
	l, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT DEFAULT_TABLESPACE FROM DBA_USERS WHERE USERNAME = " + l}, nil
}

// DumpfileInfo asks DBMS_DATAPUMP.GET_DUMPFILE_INFO about file in directory object dir.
// The block prints, through DBMS_OUTPUT, a row "FILETYPE|<n>" (0 unknown, 1 Data Pump,
// 2 classic export, 3 external table) and a row "<item code>|<value>" per header item
// (ku$_dumpfile_info: 1 file version, 5 character set id, 8 job name, 9 platform, 15
// database version, …). Sources: DBMS_DATAPUMP's package specification (dbmsdp.sql, as
// quoted in public repositories) documents the procedure, filetype 0/1/2 and the
// KU$_DFHDR_* item codes; type 3 (external table) is from later releases' PL/SQL Packages
// reference and was not seen here. Nothing here reads the file's bytes.
func DumpfileInfo(dir, file string) (Stmt, error) {
	d, err := literal(dir)
	if err != nil {
		return Stmt{}, fmt.Errorf("dump file info: directory: %w", err)
	}
	if file == "" || len(file) > 255 || strings.ContainsAny(file, "'\"/\\\x00\r\n") {
		return Stmt{}, fmt.Errorf("dump file info: file name %q: want a simple file name", file)
	}
	return Stmt{SQL: "DECLARE\n" +
		"  info ku$_dumpfile_info;\n" +
		"  ft NUMBER;\n" +
		"BEGIN\n" +
		"  DBMS_DATAPUMP.GET_DUMPFILE_INFO('" + file + "', " + d + ", info, ft);\n" +
		"  DBMS_OUTPUT.PUT_LINE('FILETYPE|' || ft);\n" +
		"  FOR r IN (SELECT item_code, value FROM TABLE(info) ORDER BY item_code) LOOP\n" +
		"    DBMS_OUTPUT.PUT_LINE(r.item_code || '|' || r.value);\n" +
		"  END LOOP;\n" +
		"END;", PLSQL: true, Output: true}, nil
}
