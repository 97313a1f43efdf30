package simdb

import (
	"errors"
	"testing"
)

func code(err error) int {
	var oe *OraError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return 0
}

// TestFailedLoginAttempts: ten wrong passwords in a row lock the account, after which the
// right one gets ORA-28000; a success before that resets the count.
func TestFailedLoginAttempts(t *testing.T) {
	s := &State{Users: map[string]*User{"AESUSER313": {Name: "AESUSER313", Password: "right", Privileges: []string{"CREATE SESSION"}}}}
	for i := 0; i < FailedLoginAttempts-1; i++ {
		if _, err := s.Login("aesuser313", "wrong"); code(err) != ErrInvalidLogon {
			t.Fatalf("attempt %d: %v, want ORA-01017", i+1, err)
		}
	}
	if _, err := s.Login("AESUSER313", "right"); err != nil {
		t.Fatalf("right password after 9 failures: %v", err)
	}
	if n := s.User("AESUSER313").FailedLogins; n != 0 {
		t.Fatalf("count after a success: %d, want 0", n)
	}
	for i := 0; i < FailedLoginAttempts; i++ {
		s.Login("AESUSER313", "wrong")
	}
	if _, err := s.Login("AESUSER313", "right"); code(err) != ErrAccountLocked {
		t.Fatalf("right password after %d failures: %v, want ORA-28000", FailedLoginAttempts, err)
	}
}
