package simdb

import (
	"errors"
	"fmt"
)

// OraError is an Oracle error: Error() is the text Oracle prints, e.g.
// "ORA-01918: user 'X' does not exist".
type OraError struct {
	Code int    // 1918
	Msg  string // "user 'X' does not exist"
}

func (e *OraError) Error() string { return fmt.Sprintf("ORA-%05d: %s", e.Code, e.Msg) }

// Ora builds an *OraError.
func Ora(code int, format string, args ...any) *OraError {
	return &OraError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// OraCode returns the ORA code carried by err (0 if none).
func OraCode(err error) int {
	var oe *OraError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return 0
}

// The errors this package returns, by code (texts as Oracle 19c prints them).
const (
	ErrInvalidLogon     = 1017  // invalid username/password; logon denied
	ErrNoCreateSession  = 1045  // user X lacks CREATE SESSION privilege; logon denied
	ErrUserNotExist     = 1918  // user 'X' does not exist
	ErrUserConflict     = 1920  // user name 'X' conflicts with another user or role name
	ErrCascadeRequired  = 1922  // CASCADE must be specified to drop 'X'
	ErrUserConnected    = 1940  // cannot drop a user that is currently connected
	ErrGranteeNotExist  = 1917  // user or role 'X' does not exist
	ErrRoleNotGranted   = 1951  // ROLE 'X' not granted to 'Y'
	ErrPrivNotGranted   = 1952  // system privileges not granted to 'X'
	ErrInvalidPrivilege = 990   // missing or invalid privilege
	ErrNoTablespace     = 959   // tablespace 'X' does not exist
	ErrAccountLocked    = 28000 // the account is locked
)

func errInvalidLogon() error { return Ora(ErrInvalidLogon, "invalid username/password; logon denied") }
