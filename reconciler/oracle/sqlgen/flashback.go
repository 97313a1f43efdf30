package sqlgen

// CurrentSCN reads the database's current system change number (one row, one number):
// the minimal-downtime backup records it while IIS is stopped and exports as of it.
func CurrentSCN() Stmt { return Stmt{SQL: "SELECT CURRENT_SCN FROM V$DATABASE"} }

// FlashbackPackage is the package classic exp calls to read as of FLASHBACK_SCN; its
// security model asks for EXECUTE granted by an administrator (PL/SQL Packages and Types
// Reference, DBMS_FLASHBACK).
const FlashbackPackage = "SYS.DBMS_FLASHBACK"

// GrantFlashback grants EXECUTE on SYS.DBMS_FLASHBACK to user.
func GrantFlashback(user string) (Stmt, error) {
	q, err := Ident(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO " + q}, nil
}

// FlashbackGrants counts the EXECUTE grants on SYS.DBMS_FLASHBACK that reach user
// directly or through PUBLIC (0: none).
func FlashbackGrants(user string) (Stmt, error) {
	l, err := literal(user)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "SELECT COUNT(*) FROM DBA_TAB_PRIVS WHERE GRANTEE IN (" + l + ", 'PUBLIC') AND OWNER = 'SYS' AND TABLE_NAME = 'DBMS_FLASHBACK' AND PRIVILEGE = 'EXECUTE'"}, nil
}
