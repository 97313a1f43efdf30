package simdb

import (
	"strings"
)

// User returns the user called name (any case), or nil.
func (s *State) User(name string) *User { return s.Users[strings.ToUpper(name)] }

// Login checks a password logon the way the listener-side does: unknown user and wrong
// password both give ORA-01017; a locked account ORA-28000; no CREATE SESSION ORA-01045.
//
// A wrong password counts toward FailedLoginAttempts, the DEFAULT profile's
// FAILED_LOGIN_ATTEMPTS (10): at the limit the account locks, and even the right password
// then gets ORA-28000 until ALTER USER … ACCOUNT UNLOCK (PASSWORD_LOCK_TIME, 1 day by
// default, is not modelled). A successful logon resets the count. The caller saves the
// state (DB.LoginCounted).
func (s *State) Login(name, password string) (*User, error) {
	u := s.User(name)
	if u == nil {
		return nil, errInvalidLogon()
	}
	if u.Password != password {
		u.FailedLogins++
		u.AuditedLogonFailures++
		if u.FailedLogins >= FailedLoginAttempts {
			u.Locked = true
		}
		return nil, errInvalidLogon()
	}
	if u.Locked {
		return nil, Ora(ErrAccountLocked, "the account is locked")
	}
	u.FailedLogins = 0
	if !u.CanConnect() {
		return nil, Ora(ErrNoCreateSession, "user %s lacks CREATE SESSION privilege; logon denied", u.Name)
	}
	return u, nil
}

// CreateUser creates an empty schema. tablespace "" means USERS.
func (s *State) CreateUser(name, password, tablespace string) (*User, error) {
	name = strings.ToUpper(name)
	if s.Users[name] != nil || IsRole(name) {
		return nil, Ora(ErrUserConflict, "user name '%s' conflicts with another user or role name", name)
	}
	if tablespace == "" {
		tablespace = "USERS"
	}
	tablespace = strings.ToUpper(tablespace)
	if !s.HasTablespace(tablespace) {
		return nil, Ora(ErrNoTablespace, "tablespace '%s' does not exist", tablespace)
	}
	u := &User{Name: name, Password: password, DefaultTablespace: tablespace, Objects: map[string]int{}}
	if s.Users == nil {
		s.Users = map[string]*User{}
	}
	s.Users[name] = u
	return u, nil
}

// DropUser drops a user; with cascade its objects go too.
func (s *State) DropUser(name string, cascade bool) error {
	u := s.User(name)
	if u == nil {
		return Ora(ErrUserNotExist, "user '%s' does not exist", strings.ToUpper(name))
	}
	if u.Sessions > 0 {
		return Ora(ErrUserConnected, "cannot drop a user that is currently connected")
	}
	if u.OwnsObjects() && !cascade {
		return Ora(ErrCascadeRequired, "CASCADE must be specified to drop '%s'", u.Name)
	}
	delete(s.Users, u.Name)
	s.ForgetUndo(u.Name)
	return nil
}

// AlterPassword sets a user's password (ALTER USER x IDENTIFIED BY y).
func (s *State) AlterPassword(name, password string) error {
	u := s.User(name)
	if u == nil {
		return Ora(ErrUserNotExist, "user '%s' does not exist", strings.ToUpper(name))
	}
	u.Password = password
	return nil
}

// SetLocked locks or unlocks an account (ALTER USER x ACCOUNT LOCK|UNLOCK).
func (s *State) SetLocked(name string, locked bool) error {
	u := s.User(name)
	if u == nil {
		return Ora(ErrUserNotExist, "user '%s' does not exist", strings.ToUpper(name))
	}
	u.Locked = locked
	return nil
}

// Grant grants roles and/or system privileges (each entry one of them, any case) to a user.
// Nothing changes unless every entry is valid.
func (s *State) Grant(grantee string, what ...string) error {
	u := s.User(grantee)
	roles, privs, err := split(what)
	if err != nil {
		return err
	}
	if u == nil {
		return Ora(ErrGranteeNotExist, "user or role '%s' does not exist", strings.ToUpper(grantee))
	}
	for _, r := range roles {
		if !u.HasRole(r) {
			u.Roles = append(u.Roles, r)
		}
		if s.grantImpliesUnlimited(r) && !u.HasPrivilege("UNLIMITED TABLESPACE") {
			u.Privileges = append(u.Privileges, "UNLIMITED TABLESPACE")
		}
	}
	for _, p := range privs {
		if !u.HasPrivilege(p) {
			u.Privileges = append(u.Privileges, p)
		}
	}
	return nil
}

// Revoke revokes roles and/or system privileges; revoking one not granted fails with
// ORA-01951 (role) or ORA-01952 (privilege) and changes nothing.
func (s *State) Revoke(grantee string, what ...string) error {
	u := s.User(grantee)
	roles, privs, err := split(what)
	if err != nil {
		return err
	}
	if u == nil {
		return Ora(ErrGranteeNotExist, "user or role '%s' does not exist", strings.ToUpper(grantee))
	}
	for _, r := range roles {
		if !u.HasRole(r) {
			return Ora(ErrRoleNotGranted, "ROLE '%s' not granted to '%s'", r, u.Name)
		}
	}
	for _, p := range privs {
		if !u.HasPrivilege(p) {
			return Ora(ErrPrivNotGranted, "system privileges not granted to '%s'", u.Name)
		}
	}
	for _, r := range roles {
		u.Roles = remove(u.Roles, r)
		if s.revokeRemovesUnlimited(r) {
			u.Privileges = remove(u.Privileges, "UNLIMITED TABLESPACE")
		}
		if s.revokeRemovesQuotas(r) {
			u.Quotas = nil
		}
	}
	for _, p := range privs {
		u.Privileges = remove(u.Privileges, p)
		if s.revokeRemovesQuotas(p) {
			u.Quotas = nil
		}
	}
	return nil
}

func split(what []string) (roles, privs []string, err error) {
	for _, w := range what {
		w = strings.ToUpper(strings.Join(strings.Fields(w), " "))
		switch {
		case IsRole(w):
			roles = append(roles, w)
		case IsPrivilege(w):
			privs = append(privs, w)
		default:
			return nil, nil, Ora(ErrInvalidPrivilege, "missing or invalid privilege")
		}
	}
	return roles, privs, nil
}

// FailedLoginAttempts is FAILED_LOGIN_ATTEMPTS of Oracle's DEFAULT profile (since 11g):
// consecutive failed logons after which the account is locked (ORA-28000).
// https://docs.oracle.com/error-help/db/ora-28000
const FailedLoginAttempts = 10

// LoginCounted is Login for a tool's logon: a change of the account's failed-logon count
// (or its lock) is saved, as the database records it.
func (db *DB) LoginCounted(name, password string) (*User, error) {
	before, locked := -1, false
	if u := db.User(name); u != nil {
		before, locked = u.FailedLogins, u.Locked
	}
	u, err := db.Login(name, password)
	if after := db.User(name); after != nil && (after.FailedLogins != before || after.Locked != locked) {
		if serr := db.Save(); serr != nil {
			return nil, serr
		}
	}
	return u, err
}
