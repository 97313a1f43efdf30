package oracle

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// OraError is an error reported by Oracle with its ORA- code.
type OraError struct {
	Code    int    // 1918 for ORA-01918
	Message string // the text after "ORA-01918: "
}

func (e *OraError) Error() string { return fmt.Sprintf("ORA-%05d: %s", e.Code, e.Message) }

// Codes vaultkeeper acts on.
const (
	ErrSessionNotExist = 30    // session ID does not exist (killing one that ended)
	ErrTableNotExist   = 942   // table or view does not exist
	ErrInvalidLogon    = 1017  // invalid username/password; logon denied
	ErrUserNotExist    = 1918  // user 'X' does not exist
	ErrUserConflict    = 1920  // user name 'X' conflicts with another user or role name
	ErrUserConnected   = 1940  // cannot drop a user that is currently connected
	ErrRoleNotGranted  = 1951  // ROLE 'X' not granted to 'Y'
	ErrPrivNotGranted  = 1952  // system privileges not granted to 'X'
	ErrNoListenerAlias = 12154 // could not resolve the connect identifier specified
	ErrAccountLocked   = 28000 // the account is locked
)

// Code returns the ORA- code carried by err, or 0.
func Code(err error) int {
	var oe *OraError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return 0
}

var oraRE = regexp.MustCompile(`ORA-(\d{5}): ?(.*)`)

// ParseOraError returns the first "ORA-NNNNN: message" in text, or nil. The message is
// cut at the end of its line.
func ParseOraError(text string) *OraError {
	m := oraRE.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	code, _ := strconv.Atoi(m[1])
	return &OraError{Code: code, Message: strings.TrimSpace(m[2])}
}
