package oracli

import (
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Conn is a parsed USERID: USER/PASSWORD[@SERVICE] [AS SYSDBA], or "/ as sysdba".
type Conn struct {
	User, Password, Service string
	SysDBA                  bool
}

// ParseConn parses a USERID value.
func ParseConn(s string) Conn {
	var c Conn
	s = strings.TrimSpace(s)
	if low := strings.ToLower(s); strings.HasSuffix(low, " as sysdba") {
		c.SysDBA = true
		s = strings.TrimSpace(s[:len(s)-len(" as sysdba")])
	}
	cred, svc, _ := strings.Cut(s, "@")
	c.Service = svc
	c.User, c.Password, _ = strings.Cut(cred, "/")
	c.User = strings.ToUpper(strings.Trim(c.User, `"`))
	return c
}

// Logon checks a connection against the host: the alias must resolve in tnsnames.ora
// (ORA-12154), then the credentials in the database. "/ as sysdba" (OS authentication)
// connects as SYS.
func Logon(h host.Host, db *simdb.DB, c Conn) (*simdb.User, error) {
	u, _, err := LogonContainer(h, db, c)
	return u, err
}

// LogonContainer is Logon that also returns the container the session lands in: on a
// CDB, the PDB when the alias's service is the PDB's, else CDB$ROOT, where local users do
// not exist (ORA-01017); "" on a non-CDB.
func LogonContainer(h host.Host, db *simdb.DB, c Conn) (*simdb.User, string, error) {
	service := ""
	if c.Service != "" {
		te, ok, err := host.LookupTNS(h.Tnsnames(), c.Service)
		if err != nil || !ok {
			return nil, "", simdb.Ora(12154, "TNS:could not resolve the connect identifier specified")
		}
		service = te.Service
	}
	container := ""
	if db.CDB() {
		container = simdb.Root
		if c := db.Container(service); c != "" {
			container = c
		}
	}
	if c.User == "" && c.Password == "" && c.SysDBA {
		return db.User("SYS"), container, nil
	}
	if container == simdb.Root && !simdb.IsCommon(c.User) {
		return nil, "", simdb.Ora(simdb.ErrInvalidLogon, "invalid username/password; logon denied")
	}
	u, err := db.LoginCounted(c.User, c.Password)
	return u, container, err
}

// Privileged reports whether u may export or import other users' schemas.
func Privileged(u *simdb.User) bool {
	return u.Name == "SYS" || u.HasRole("DBA") || u.HasRole("EXP_FULL_DATABASE") || u.HasRole("IMP_FULL_DATABASE") ||
		u.HasRole("DATAPUMP_EXP_FULL_DATABASE") || u.HasRole("DATAPUMP_IMP_FULL_DATABASE")
}
