package sqlsim

import (
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// currentSCN is SELECT CURRENT_SCN FROM V$DATABASE (SELECT_CATALOG_ROLE or DBA).
func currentSCN(c *cursor) action {
	c.kw("SELECT CURRENT_SCN FROM V$DATABASE")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		return result{cols: []column{{name: "CURRENT_SCN", number: true}}, rows: [][]string{{strconv.FormatInt(st.CurrentSCN(), 10)}}}, false, nil
	}
}

// grantExecute is GRANT|REVOKE EXECUTE ON SYS.DBMS_FLASHBACK TO|FROM u (the one package
// the simulator knows).
func grantExecute(c *cursor) action {
	grant := c.opt("GRANT")
	if !grant {
		c.kw("REVOKE")
	}
	c.kw("EXECUTE ON")
	owner := c.name()
	c.kw(".")
	pkg := owner + "." + c.name()
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
		if !strings.EqualFold(pkg, "SYS.DBMS_FLASHBACK") {
			return result{}, false, oraErr(4042, "procedure, function, package, or package body does not exist")
		}
		u := st.User(user)
		if u == nil {
			return result{}, false, oraErr(simdb.ErrGranteeNotExist, "user or role '%s' does not exist", strings.ToUpper(user))
		}
		pkg = strings.ToUpper(pkg)
		if grant {
			u.ExecPrivs = append(removeString(u.ExecPrivs, pkg), pkg)
			return result{feedback: "Grant succeeded."}, true, nil
		}
		u.ExecPrivs = removeString(u.ExecPrivs, pkg)
		return result{feedback: "Revoke succeeded."}, true, nil
	}
}

func removeString(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// countFlashbackGrants counts the EXECUTE grants on SYS.DBMS_FLASHBACK reaching a user
// directly or through PUBLIC (DBA_TAB_PRIVS).
func countFlashbackGrants(c *cursor) action {
	c.kw("SELECT COUNT ( * ) FROM DBA_TAB_PRIVS WHERE GRANTEE IN (")
	user := c.str()
	c.kw(",")
	c.lit("PUBLIC")
	c.kw(") AND OWNER =")
	c.lit("SYS")
	c.kw("AND TABLE_NAME =")
	c.lit("DBMS_FLASHBACK")
	c.kw("AND PRIVILEGE =")
	c.lit("EXECUTE")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		if err := dictionary(admin); err != nil {
			return result{}, false, err
		}
		var n int64
		if u := st.Users[user]; u != nil {
			for _, p := range u.ExecPrivs {
				if p == "SYS.DBMS_FLASHBACK" {
					n++
				}
			}
		}
		return one(n), false, nil
	}
}
