package sqlsim

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// column describes one result column as sqlplus formats it.
type column struct {
	name   string
	width  int  // character width of a text column
	number bool // right-aligned in NUMWIDTH
}

// result is what a statement produced.
type result struct {
	cols     []column
	rows     [][]string
	feedback string // e.g. "User dropped." (DDL)
	plsql    bool
	output   []string // DBMS_OUTPUT lines, printed under SET SERVEROUTPUT ON
}

func oraErr(code int, format string, args ...any) *simdb.OraError {
	return simdb.Ora(code, format, args...)
}

var (
	errInvalidSQL   = oraErr(900, "invalid SQL statement")
	errNoTable      = oraErr(942, "table or view does not exist")
	errInsufficient = oraErr(1031, "insufficient privileges")
)

var countCol = []column{{name: "COUNT(*)", number: true}}

// execSQL runs one SQL statement or PL/SQL block (without its terminator) as the
// session's user against the database.
func (s *session) execSQL(text string, plsql bool) (result, error) {
	toks, err := lex(text)
	if err != nil {
		if oe, ok := err.(*simdb.OraError); ok {
			return result{}, oe
		}
		return result{}, oraErr(911, "invalid character")
	}
	if len(toks) > 0 && toks[len(toks)-1].text == ";" && !plsql {
		return result{}, oraErr(911, "invalid character")
	}
	db, err := simdb.Open(s.h.Root)
	if err != nil {
		return result{}, oraErr(1034, "ORACLE not available")
	}
	defer db.Close()
	me := db.User(s.user)
	if me == nil && !s.sysdba {
		return result{}, oraErr(1012, "not logged on")
	}
	admin := s.sysdba || me.HasRole("DBA")
	if res, ok, err := s.sessionStmt(toks, &db.State); ok {
		return res, err
	}
	state := &db.State
	inRoot := db.CDB() && s.container == simdb.Root
	if inRoot {
		if len(toks) > 2 && toks[0].text == "CREATE" && toks[1].text == "USER" && !simdb.IsCommon(toks[2].text) {
			return result{}, oraErr(65096, "invalid common user or role name")
		}
		root := db.RootView() // local users do not exist here (ORA-01918, ORA-01917)
		state = &root
	}
	for _, st := range statements {
		c := &cursor{toks: toks}
		run := st(c)
		if run == nil || !c.end() {
			continue
		}
		res, changed, err := run(state, admin)
		if err != nil {
			return result{}, err
		}
		if inRoot {
			for n, u := range state.Users { // a common user created or changed in the root
				db.Users[n] = u
			}
		}
		if changed {
			if err := db.Save(); err != nil {
				return result{}, oraErr(1114, "IO error writing block to file (%v)", err)
			}
		}
		return res, nil
	}
	if plsql {
		return result{}, oraErr(6550, "line 1, column 7:\nPLS-00201: identifier must be declared")
	}
	return result{}, errInvalidSQL
}

// action runs a matched statement; changed says the state must be saved.
type action func(st *simdb.State, admin bool) (res result, changed bool, err error)

// statements match token shapes; each returns nil (or leaves the cursor bad) when the
// tokens are not its shape.
var statements = []func(c *cursor) action{
	selectDual, countUsers, countSessions, countRolePrivs, objectCounts, listTables, countRows,
	dropUser, alterUserLock, createUser, grantRevoke, killSessions,
	schemaTablespaces, alterUserQuota, countSysPriv, quotaTablespaces, countInvalid, compileSchema, dbCharset, grantDirectory, countDirPrivs, defaultTablespace,
	currentSCN, grantExecute, countFlashbackGrants, dumpfileInfo,
}

func dictionary(admin bool) error {
	if !admin {
		return errNoTable
	}
	return nil
}

func one(n int64) result {
	return result{cols: countCol, rows: [][]string{{strconv.FormatInt(n, 10)}}}
}

func selectDual(c *cursor) action {
	c.kw("SELECT")
	if t, ok := c.peek(); !ok || t.kind != tNumber || t.text != "1" {
		return nil
	}
	c.pos++
	c.kw("FROM DUAL")
	return func(*simdb.State, bool) (result, bool, error) {
		return result{cols: []column{{name: "1", number: true}}, rows: [][]string{{"1"}}}, false, nil
	}
}

func countUsers(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_USERS WHERE USERNAME =")
	name := c.str()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if st.Users[name] != nil {
			n = 1
		}
		return one(n), false, nil
	}
}

func countSessions(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM V$SESSION WHERE USERNAME =")
	name := c.str()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[name]; u != nil {
			n = int64(u.Sessions)
		}
		return one(n), false, nil
	}
}

func countRolePrivs(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_ROLE_PRIVS WHERE GRANTEE =")
	name := c.str()
	c.kw("AND GRANTED_ROLE =")
	role := c.str()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[name]; u != nil && u.HasRole(role) && role == strings.ToUpper(role) {
			n = 1
		}
		return one(n), false, nil
	}
}

func objectCounts(c *cursor) action {
	c.kw("SELECT OBJECT_TYPE , COUNT ( * ) FROM DBA_OBJECTS WHERE OWNER =")
	owner := c.str()
	c.kw("AND OBJECT_NAME NOT LIKE")
	if c.str() != "BIN$%" {
		return nil
	}
	c.kw("GROUP BY OBJECT_TYPE ORDER BY OBJECT_TYPE")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		res := result{cols: []column{{name: "OBJECT_TYPE", width: 23}, {name: "COUNT(*)", number: true}}}
		if u := st.Users[owner]; u != nil {
			counts := u.ObjectCounts()
			types := make([]string, 0, len(counts))
			for t := range counts {
				types = append(types, t)
			}
			sort.Strings(types)
			for _, t := range types {
				res.rows = append(res.rows, []string{t, strconv.Itoa(counts[t])})
			}
		}
		return res, false, nil
	}
}

func listTables(c *cursor) action {
	c.kw("SELECT TABLE_NAME FROM DBA_TABLES WHERE OWNER =")
	owner := c.str()
	c.kw("AND TABLE_NAME NOT LIKE")
	if c.str() != "BIN$%" {
		return nil
	}
	c.kw("ORDER BY TABLE_NAME")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		res := result{cols: []column{{name: "TABLE_NAME", width: 128}}}
		if u := st.Users[owner]; u != nil {
			var names []string
			for _, t := range u.Tables {
				names = append(names, t.Name)
			}
			sort.Strings(names)
			for _, n := range names {
				res.rows = append(res.rows, []string{n})
			}
		}
		return res, false, nil
	}
}

func countRows(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM")
	owner := c.name()
	c.kw(".")
	table := c.name()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		u := st.Users[owner]
		if u == nil || !admin {
			return result{}, false, errNoTable
		}
		for _, t := range u.Tables {
			if t.Name == table {
				return one(t.Rows), false, nil
			}
		}
		return result{}, false, errNoTable
	}
}

func ddl(admin bool) error {
	if !admin {
		return errInsufficient
	}
	return nil
}

func dropUser(c *cursor) action {
	c.kw("DROP USER")
	name := c.name()
	cascade := c.opt("CASCADE")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if err := st.DropUser(name, cascade); err != nil {
			return result{}, false, err
		}
		return result{feedback: "User dropped."}, true, nil
	}
}

func alterUserLock(c *cursor) action {
	c.kw("ALTER USER")
	name := c.name()
	c.kw("ACCOUNT")
	lock := c.opt("LOCK")
	if !lock {
		c.kw("UNLOCK")
	}
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if err := st.SetLocked(name, lock); err != nil {
			return result{}, false, err
		}
		return result{feedback: "User altered."}, true, nil
	}
}

func createUser(c *cursor) action {
	c.kw("CREATE USER")
	name := c.name()
	c.kw("IDENTIFIED BY")
	pw := c.name() // a password is an identifier: quoted keeps case, unquoted is upper-cased
	ts := ""
	if c.opt("DEFAULT TABLESPACE") {
		ts = c.name()
	}
	quota := ""
	if c.opt("QUOTA UNLIMITED ON") {
		quota = c.name()
	}
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if quota != "" && !st.HasTablespace(quota) {
			return result{}, false, oraErr(959, "tablespace '%s' does not exist", quota)
		}
		u, err := st.CreateUser(name, pw, ts)
		if err != nil {
			return result{}, false, err
		}
		if name != strings.ToUpper(name) {
			// simdb keys users upper-case; a quoted mixed-case name is another user in Oracle.
			delete(st.Users, u.Name)
			return result{}, false, oraErr(922, "missing or invalid option")
		}
		if quota != "" {
			if err := st.SetQuota(u.Name, quota); err != nil {
				return result{}, false, err
			}
		}
		return result{feedback: "User created."}, true, nil
	}
}

func grantRevoke(c *cursor) action {
	grant := c.opt("GRANT")
	if !grant {
		c.kw("REVOKE")
	}
	var privs []string
	for !c.bad {
		var words []string
		for {
			t, ok := c.peek()
			if !ok || t.kind != tWord || t.text == "TO" || t.text == "FROM" || t.text == "ON" { // ON: an object grant
				break
			}
			words = append(words, t.text)
			c.pos++
		}
		if len(words) == 0 {
			c.bad = true
			break
		}
		privs = append(privs, strings.Join(words, " "))
		if !c.opt(",") {
			break
		}
	}
	if grant {
		c.kw("TO")
	} else {
		c.kw("FROM")
	}
	name := c.name()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if grant {
			if err := st.Grant(name, privs...); err != nil {
				return result{}, false, err
			}
			return result{feedback: "Grant succeeded."}, true, nil
		}
		if err := st.Revoke(name, privs...); err != nil {
			return result{}, false, err
		}
		return result{feedback: "Revoke succeeded."}, true, nil
	}
}

// killSessions is the PL/SQL block that kills every session of a user.
func killSessions(c *cursor) action {
	c.kw("BEGIN FOR S IN ( SELECT SID , SERIAL# FROM V$SESSION WHERE USERNAME =")
	name := c.str()
	c.kw(") LOOP BEGIN EXECUTE IMMEDIATE")
	if c.str() != "ALTER SYSTEM KILL SESSION '" {
		return nil
	}
	c.kw("|| S . SID ||")
	if c.str() != "," {
		return nil
	}
	c.kw("|| S . SERIAL# ||")
	if c.str() != "' IMMEDIATE" {
		return nil
	}
	c.kw("; EXCEPTION WHEN OTHERS THEN IF SQLCODE != - 30 THEN RAISE ; END IF ; END ; END LOOP ; END ;")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if !admin {
			return result{}, false, oraErr(942, "table or view does not exist")
		}
		u := st.Users[name]
		if u == nil || u.Sessions == 0 {
			return result{feedback: "PL/SQL procedure successfully completed.", plsql: true}, false, nil
		}
		u.Sessions = 0
		return result{feedback: "PL/SQL procedure successfully completed.", plsql: true}, true, nil
	}
}

// schemaTablespaces is the union vaultkeeper asks for: every tablespace holding a segment,
// table, index or LOB of the owner (DISTINCT and sorted, as UNION returns it).
func schemaTablespaces(c *cursor) action {
	c.kw("SELECT TABLESPACE_NAME FROM DBA_SEGMENTS WHERE OWNER =")
	owner := c.str()
	for _, view := range []string{"DBA_TABLES", "DBA_INDEXES", "DBA_LOBS"} {
		c.kw("UNION SELECT TABLESPACE_NAME FROM " + view + " WHERE OWNER =")
		if c.str() != owner {
			c.bad = true
		}
		c.kw("AND TABLESPACE_NAME IS NOT NULL")
	}
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		res := result{cols: []column{{name: "TABLESPACE_NAME", width: 30}}}
		if u := st.Users[owner]; u != nil {
			for _, ts := range u.SegmentTablespaces() {
				res.rows = append(res.rows, []string{ts})
			}
		}
		return res, false, nil
	}
}

func alterUserQuota(c *cursor) action {
	c.kw("ALTER USER")
	name := c.name()
	c.kw("QUOTA UNLIMITED ON")
	ts := c.name()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if err := st.SetQuota(name, ts); err != nil {
			return result{}, false, err
		}
		return result{feedback: "User altered."}, true, nil
	}
}

func countSysPriv(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_SYS_PRIVS WHERE GRANTEE =")
	name := c.str()
	c.kw("AND PRIVILEGE =")
	priv := c.str()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[name]; u != nil && priv == strings.ToUpper(priv) && u.HasPrivilege(priv) {
			n = 1
		}
		return one(n), false, nil
	}
}

// quotaTablespaces lists the tablespaces where the user's quota leaves room (the
// simulator only knows unlimited quotas, MAX_BYTES -1).
func quotaTablespaces(c *cursor) action {
	c.kw("SELECT TABLESPACE_NAME FROM DBA_TS_QUOTAS WHERE USERNAME =")
	name := c.str()
	c.kw("AND ( MAX_BYTES = - 1 OR MAX_BYTES > BYTES ) ORDER BY TABLESPACE_NAME")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		res := result{cols: []column{{name: "TABLESPACE_NAME", width: 30}}}
		if u := st.Users[name]; u != nil {
			q := append([]string(nil), u.Quotas...)
			sort.Strings(q)
			for _, ts := range q {
				res.rows = append(res.rows, []string{ts})
			}
		}
		return res, false, nil
	}
}

func countInvalid(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_OBJECTS WHERE OWNER =")
	owner := c.str()
	c.kw("AND STATUS =")
	c.lit("INVALID")
	c.kw("AND OBJECT_NAME NOT LIKE")
	c.lit("BIN$%")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[owner]; u != nil {
			n = int64(u.Invalid)
		}
		return one(n), false, nil
	}
}

// compileSchema is DBMS_UTILITY.COMPILE_SCHEMA(owner, FALSE): what only lacked its
// dependencies compiles; broken objects stay INVALID.
func compileSchema(c *cursor) action {
	c.kw("BEGIN DBMS_UTILITY . COMPILE_SCHEMA (")
	owner := c.str()
	c.kw(", FALSE ) ; END ;")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if !admin {
			return result{}, false, oraErr(6550, "line 2, column 3:\nPLS-00201: identifier 'DBMS_UTILITY' must be declared")
		}
		u := st.Users[owner]
		if u == nil {
			return result{}, false, oraErr(20000, "You have insufficient privileges for an object in this schema.")
		}
		u.Invalid = u.Broken
		return result{feedback: "PL/SQL procedure successfully completed.", plsql: true}, true, nil
	}
}

// sessionStmt runs the statements about the session itself: ALTER SESSION SET CONTAINER
// and SELECT SYS_CONTEXT('USERENV', 'CON_NAME') FROM DUAL. ok is false for others.
func (s *session) sessionStmt(toks []token, st *simdb.State) (result, bool, error) {
	c := &cursor{toks: toks}
	c.kw("ALTER SESSION SET CONTAINER =")
	name := c.name()
	if c.end() {
		switch {
		case !st.CDB():
			return result{}, true, oraErr(65090, "operation only allowed in a container database")
		case !s.sysdba && !simdb.IsCommon(s.user):
			return result{}, true, errInsufficient
		case st.Container(name) == "":
			return result{}, true, oraErr(65011, "Pluggable database %s does not exist.", name)
		}
		s.container = st.Container(name)
		return result{feedback: "Session altered."}, true, nil
	}
	c = &cursor{toks: toks}
	c.kw("SELECT SYS_CONTEXT (")
	ns := c.str()
	c.kw(",")
	param := c.str()
	c.kw(") FROM DUAL")
	if c.end() && strings.EqualFold(ns, "USERENV") && strings.EqualFold(param, "CON_NAME") {
		if st.Release == simdb.Release112 {
			return result{}, true, oraErr(2003, "invalid USERENV parameter")
		}
		name := s.container
		if name == "" {
			name = "XE" // a non-CDB answers with its database name (not verified)
		}
		return result{cols: []column{{name: "SYS_CONTEXT('USERENV','CON_NAME')", width: 30}}, rows: [][]string{{name}}}, true, nil
	}
	return result{}, false, nil
}

func dbCharset(c *cursor) action {
	c.kw("SELECT VALUE FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER =")
	c.lit("NLS_CHARACTERSET")
	return func(st *simdb.State, _ bool) (result, bool, error) {
		return result{cols: []column{{name: "VALUE", width: 64}}, rows: [][]string{{st.DBCharset()}}}, false, nil
	}
}

// grantDirectory is GRANT|REVOKE READ, WRITE ON DIRECTORY d TO|FROM u.
func grantDirectory(c *cursor) action {
	grant := c.opt("GRANT")
	if !grant {
		c.kw("REVOKE")
	}
	var privs []string
	for {
		privs = append(privs, c.name())
		if !c.opt(",") {
			break
		}
	}
	c.kw("ON DIRECTORY")
	dir := c.name()
	if grant {
		c.kw("TO")
	} else {
		c.kw("FROM")
	}
	user := c.name()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := ddl(admin); err != nil {
			return result{}, false, err
		}
		if err := st.GrantDirectory(user, dir, privs, grant); err != nil {
			return result{}, false, err
		}
		if grant {
			return result{feedback: "Grant succeeded."}, true, nil
		}
		return result{feedback: "Revoke succeeded."}, true, nil
	}
}

// countDirPrivs counts a grantee's READ and WRITE grants on a directory (DBA_TAB_PRIVS).
func countDirPrivs(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_TAB_PRIVS WHERE GRANTEE =")
	user := c.str()
	c.kw("AND TABLE_NAME =")
	dir := c.str()
	c.kw("AND PRIVILEGE IN (")
	c.lit("READ")
	c.kw(",")
	c.lit("WRITE")
	c.kw(")")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[user]; u != nil {
			for _, p := range []string{"READ", "WRITE"} {
				if u.HasDirPriv(dir, p) {
					n++
				}
			}
		}
		return one(n), false, nil
	}
}

func defaultTablespace(c *cursor) action {
	c.kw("SELECT DEFAULT_TABLESPACE FROM DBA_USERS WHERE USERNAME =")
	name := c.str()
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		res := result{cols: []column{{name: "DEFAULT_TABLESPACE", width: 30}}}
		if u := st.Users[name]; u != nil {
			res.rows = [][]string{{u.DefaultTablespace}}
		}
		return res, false, nil
	}
}
