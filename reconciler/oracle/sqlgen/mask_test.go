package sqlgen

import (
	"slices"
	"strings"
	"testing"
)

// TestSecretsCarryTheirMask: a statement holding a password lists it in Mask, so sqlplus's
// echo of a failing statement can be masked; statements without a secret mask nothing.
func TestSecretsCarryTheirMask(t *testing.T) {
	const pw = "S3cret&pw;"
	create, err := CreateUser("aesuser313", pw, "users")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(create.SQL, pw) || !slices.Contains(create.Mask, pw) {
		t.Fatalf("CREATE USER carries %q but masks %q", create.SQL, create.Mask)
	}
	drop, _ := DropUserCascade("AESUSER313")
	grant, _ := Grant("AESUSER313", DBA)
	for _, s := range []Stmt{Ping(), drop, grant} {
		if len(s.Mask) != 0 {
			t.Errorf("%q masks %q though it holds no secret", s.SQL, s.Mask)
		}
	}
}
