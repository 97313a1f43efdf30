package simdb

import (
	"sort"
	"strings"
)

// FormatVersion is the version of the db.json layout.
const FormatVersion = 1

// State is everything the simulated database holds.
type State struct {
	Version int `json:"version"`
	// Users by upper-case name; SYS and SYSTEM included.
	Users map[string]*User `json:"users"`
	// Tablespaces that exist (upper-case).
	Tablespaces []string `json:"tablespaces"`
	// Directories are the directory objects: upper-case name → folder on the host.
	Directories map[string]string `json:"directories"`
	// Release is the Oracle release simulated: one of Releases ("" means Release19c). It
	// decides the side effects of GRANT and REVOKE (see rules.go).
	Release string `json:"release,omitempty"`
	// PDB, when set, makes the database a container database (CDB) with one pluggable
	// database of that name holding every local user (all but SYS, SYSTEM and C## names).
	// Sessions of SYS AS SYSDBA start in CDB$ROOT (see cdb.go).
	PDB string `json:"pdb,omitempty"`
	// Charset is the database character set (NLS_CHARACTERSET); "" is WE8MSWIN1252.
	Charset string `json:"charset,omitempty"`
	// SCN is the last system change number (0: BaseSCN); see undo.go.
	SCN int64 `json:"scn,omitempty"`
	// UndoRetention is UNDO_RETENTION in seconds (nil: Oracle's default, 900).
	UndoRetention *int64 `json:"undoRetention,omitempty"`
	// Undo holds the before images of the application's changes still retained, oldest
	// first; UndoLost is the highest SCN whose undo is gone (a read as of an earlier SCN
	// fails with ORA-01555).
	Undo     []UndoRecord `json:"undo,omitempty"`
	UndoLost int64        `json:"undoLost,omitempty"`
}

// DBCharset returns the database character set.
func (s *State) DBCharset() string {
	if s.Charset == "" {
		return "WE8MSWIN1252"
	}
	return s.Charset
}

// User is a database account and, when it owns objects, its schema.
type User struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Locked   bool   `json:"locked,omitempty"`
	// FailedLogins counts consecutive logons with a wrong password; at
	// FailedLoginAttempts the account locks (ORA-28000), as the DEFAULT profile does.
	FailedLogins int `json:"failedLogins,omitempty"`
	// AuditedLogonFailures counts every logon refused for a wrong password, never reset: what
	// the audit trail records (DBA_AUDIT_SESSION rows with RETURNCODE 1017; sample rows in
	// http://www.dbaref.com/home/howtofindlockedoracledatabaseuseraccountdetails and
	// https://ianm8313.blogspot.com/2014/10), while a successful logon resets FailedLogins
	// (FAILED_LOGIN_ATTEMPTS counts consecutive failures).
	AuditedLogonFailures int      `json:"auditedLogonFailures,omitempty"`
	DefaultTablespace    string   `json:"defaultTablespace"`
	Roles                []string `json:"roles,omitempty"`
	Privileges           []string `json:"privileges,omitempty"`
	// Quotas are the tablespaces the user has an unlimited quota on (ALTER USER … QUOTA
	// UNLIMITED ON …; DBA_TS_QUOTAS with MAX_BYTES -1).
	Quotas []string `json:"quotas,omitempty"`
	// Sessions is the number of sessions connected as this user (the application holds
	// some while IIS runs). DROP USER fails with ORA-01940 while it is non-zero.
	Sessions int `json:"sessions,omitempty"`
	// Generation is the application generation stamped into this schema (0: none).
	Generation int64 `json:"generation,omitempty"`
	// Tables of the schema, in creation order.
	Tables []Table `json:"tables,omitempty"`
	// Objects counts the schema's other objects by type (INDEX, SEQUENCE, ...).
	Objects map[string]int `json:"objects,omitempty"`
	// DirPrivs are object privileges on directory objects, "DIR:READ" / "DIR:WRITE".
	DirPrivs []string `json:"dirPrivs,omitempty"`
	// Invalid counts the schema's objects whose status is INVALID (views, procedures or
	// package bodies that compiled with errors).
	Invalid int `json:"invalid,omitempty"`
	// Broken counts the objects that stay INVALID after a recompile (their source is
	// wrong); Invalid is never below it once the schema is compiled.
	Broken int `json:"broken,omitempty"`
	// CompileWarnings counts the objects that compile with warnings when imported (views
	// exported before what they depend on: routine for Altium schemas). They are INVALID
	// after the import until the schema is recompiled.
	CompileWarnings int `json:"compileWarnings,omitempty"`
	// ExecPrivs are EXECUTE grants on packages, "SYS.DBMS_FLASHBACK".
	ExecPrivs []string `json:"execPrivs,omitempty"`
}

// Table is one table of a schema. Its rows are Row(Name, i, owner generation).
type Table struct {
	Name       string `json:"name"`
	Tablespace string `json:"tablespace"`
	Rows       int64  `json:"rows"`
}

// Known roles; any other grantee name in GRANT must be a system privilege.
var knownRoles = []string{
	"CONNECT", "DBA", "RESOURCE", "EXP_FULL_DATABASE", "IMP_FULL_DATABASE",
	"DATAPUMP_EXP_FULL_DATABASE", "DATAPUMP_IMP_FULL_DATABASE", "SELECT_CATALOG_ROLE",
}

// Known system privileges (a useful subset of Oracle's).
var knownPrivileges = []string{
	"CREATE SESSION", "UNLIMITED TABLESPACE", "CREATE TABLE", "CREATE VIEW",
	"CREATE SEQUENCE", "CREATE PROCEDURE", "CREATE TRIGGER", "CREATE SYNONYM",
	"CREATE TYPE", "ALTER SESSION", "CREATE ANY DIRECTORY", "DROP ANY DIRECTORY",
	"SELECT ANY TABLE", "SELECT ANY DICTIONARY",
}

// IsRole reports whether name (any case) is a role the database knows.
func IsRole(name string) bool { return contains(knownRoles, strings.ToUpper(name)) }

// IsPrivilege reports whether name (any case, single spaces) is a known system privilege.
func IsPrivilege(name string) bool {
	return contains(knownPrivileges, strings.ToUpper(strings.Join(strings.Fields(name), " ")))
}

// ObjectTypes lists the object types the simulator counts besides TABLE, in the order
// exports write them.
var ObjectTypes = []string{"INDEX", "SEQUENCE", "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "PACKAGE", "SYNONYM", "TYPE", "LOB"}

// ObjectCounts returns the schema's objects by type, TABLE included, omitting zeros
// (the shape of SELECT object_type, COUNT(*) FROM dba_objects WHERE owner=… GROUP BY).
func (u *User) ObjectCounts() map[string]int {
	out := map[string]int{}
	if len(u.Tables) > 0 {
		out["TABLE"] = len(u.Tables)
	}
	for t, n := range u.Objects {
		if n > 0 {
			out[t] = n
		}
	}
	return out
}

// TotalRows is the sum of the row counts of the schema's tables.
func (u *User) TotalRows() int64 {
	var n int64
	for _, t := range u.Tables {
		n += t.Rows
	}
	return n
}

// HasRole reports whether role is granted to u.
func (u *User) HasRole(role string) bool { return contains(u.Roles, strings.ToUpper(role)) }

// HasPrivilege reports whether the system privilege is granted directly to u.
func (u *User) HasPrivilege(p string) bool { return contains(u.Privileges, strings.ToUpper(p)) }

// CanConnect reports whether u may log on: CREATE SESSION directly or through CONNECT/DBA.
func (u *User) CanConnect() bool {
	return u.HasPrivilege("CREATE SESSION") || u.HasRole("CONNECT") || u.HasRole("DBA")
}

// HasDirPriv reports whether u holds priv (READ, WRITE) on directory object dir.
func (u *User) HasDirPriv(dir, priv string) bool {
	return contains(u.DirPrivs, strings.ToUpper(dir)+":"+strings.ToUpper(priv))
}

// CanAllocate reports whether the user may allocate a new extent in tablespace: it holds
// UNLIMITED TABLESPACE or a quota there. Roles do not count: DBA carries no quota of its
// own, only the UNLIMITED TABLESPACE privilege granted with it.
func (u *User) CanAllocate(tablespace string) bool {
	ts := strings.ToUpper(tablespace)
	return u.HasPrivilege("UNLIMITED TABLESPACE") || contains(u.Quotas, ts)
}

// SegmentTablespaces returns the tablespaces the schema's segments use, sorted.
func (u *User) SegmentTablespaces() []string {
	var out []string
	for _, t := range u.Tables {
		if t.Tablespace != "" && !contains(out, t.Tablespace) {
			out = append(out, t.Tablespace)
		}
	}
	sort.Strings(out)
	return out
}

// NoQuota lists the segment tablespaces u cannot allocate in (ORA-01950 at the next extent).
func (u *User) NoQuota() []string {
	var out []string
	for _, ts := range u.SegmentTablespaces() {
		if !u.CanAllocate(ts) {
			out = append(out, ts)
		}
	}
	return out
}

// OwnsObjects reports whether the schema holds any object.
func (u *User) OwnsObjects() bool {
	if len(u.Tables) > 0 {
		return true
	}
	for _, n := range u.Objects {
		if n > 0 {
			return true
		}
	}
	return false
}

// UserNames returns the names of all users, sorted.
func (s *State) UserNames() []string {
	out := make([]string, 0, len(s.Users))
	for n := range s.Users {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// HasTablespace reports whether the tablespace exists.
func (s *State) HasTablespace(name string) bool {
	return contains(s.Tablespaces, strings.ToUpper(name))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
