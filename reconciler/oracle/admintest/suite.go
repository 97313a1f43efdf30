package admintest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Fixture is one Admin under test and what the suite may rely on.
type Fixture struct {
	// Admin is the implementation under test.
	Admin oracle.Admin
	// Descriptor is what Login is given to reach the database (alias or descriptor).
	Descriptor string
	// Tablespace is the default tablespace for users the suite creates (default USERS).
	Tablespace string
	// Schema is an existing schema with tables; WantObjects and WantRows, when set, are
	// its exact counts.
	Schema      string
	WantObjects map[string]int
	WantRows    map[string]int64
	// HoldSession, when set, keeps sessions of user connected until release is called,
	// so that DROP USER meets ORA-01940.
	HoldSession func(t *testing.T, user, password string) (release func())
}

// Factory returns a fresh Fixture.
type Factory func(t *testing.T) Fixture

// Password is the suite's user password: quotes, '&', ';', '@', '/', spaces, unicode.
const Password = "Vk'p w&1;@/ü-Canary"

func userName(t *testing.T) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "VKCT_" + strings.ToUpper(hex.EncodeToString(b[:]))
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

func wantCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	if oracle.Code(err) != code {
		t.Fatalf("%s: error = %v, want ORA-%05d", what, err, code)
	}
	var oe *oracle.OraError
	if !errors.As(err, &oe) {
		t.Fatalf("%s: %v is not an *oracle.OraError", what, err)
	}
}

// Run runs the suite.
func Run(t *testing.T, newFixture Factory) {
	t.Run("Ping", func(t *testing.T) {
		f := newFixture(t)
		if err := f.Admin.Ping(ctx(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ExistingSchema", func(t *testing.T) { existingSchema(t, newFixture(t)) })
	t.Run("Lifecycle", func(t *testing.T) { lifecycle(t, newFixture(t)) })
	t.Run("RejectsInjection", func(t *testing.T) { injection(t, newFixture(t)) })
}

func existingSchema(t *testing.T, f Fixture) {
	c := ctx(t)
	ok, err := f.Admin.UserExists(c, strings.ToLower(f.Schema))
	if err != nil || !ok {
		t.Fatalf("UserExists(%s) = %v, %v", f.Schema, ok, err)
	}
	objs, err := f.Admin.ObjectCounts(c, f.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if f.WantObjects != nil && !maps.Equal(objs, f.WantObjects) {
		t.Errorf("ObjectCounts = %v, want %v", objs, f.WantObjects)
	}
	if objs["TABLE"] == 0 {
		t.Errorf("ObjectCounts = %v: no TABLE", objs)
	}
	rows, err := f.Admin.RowCounts(c, f.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if f.WantRows != nil && !maps.Equal(rows, f.WantRows) {
		t.Errorf("RowCounts = %v, want %v", rows, f.WantRows)
	}
	if len(rows) != objs["TABLE"] {
		t.Errorf("RowCounts has %d tables, ObjectCounts says %d", len(rows), objs["TABLE"])
	}
	missing := userName(t)
	if ok, err := f.Admin.UserExists(c, missing); err != nil || ok {
		t.Errorf("UserExists(%s) = %v, %v; want false", missing, ok, err)
	}
	if objs, err := f.Admin.ObjectCounts(c, missing); err != nil || len(objs) != 0 {
		t.Errorf("ObjectCounts(missing) = %v, %v", objs, err)
	}
}

func lifecycle(t *testing.T, f Fixture) {
	c := ctx(t)
	a := f.Admin
	user := userName(t)
	ts := f.Tablespace
	if ts == "" {
		ts = "USERS"
	}
	t.Cleanup(func() { _ = a.DropUserCascade(context.Background(), user) })

	if err := a.CreateUser(c, user, Password, ts); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "CreateUser twice", a.CreateUser(c, user, Password, ts), oracle.ErrUserConflict)
	if err := a.Grant(c, user, sqlgen.Connect, sqlgen.Resource, sqlgen.CreateSession); err != nil {
		t.Fatal(err)
	}
	if err := a.Grant(c, user, sqlgen.DBA); err != nil {
		t.Fatal(err)
	}
	if ok, err := a.HasRole(c, user, "DBA"); err != nil || !ok {
		t.Fatalf("HasRole DBA after grant = %v, %v", ok, err)
	}
	if err := a.Revoke(c, user, sqlgen.DBA); err != nil {
		t.Fatal(err)
	}
	if ok, err := a.HasRole(c, user, "dba"); err != nil || ok {
		t.Fatalf("HasRole DBA after revoke = %v, %v", ok, err)
	}
	wantCode(t, "Revoke DBA twice", a.Revoke(c, user, sqlgen.DBA), oracle.ErrRoleNotGranted)
	if ok, err := a.HasRole(c, user, "CONNECT"); err != nil || !ok {
		t.Fatalf("HasRole CONNECT = %v, %v", ok, err)
	}

	if err := a.Login(c, f.Descriptor, user, Password); err != nil {
		t.Fatalf("Login with the right password: %v", err)
	}
	err := a.Login(c, f.Descriptor, user, Password+"x")
	wantCode(t, "Login with a wrong password", err, oracle.ErrInvalidLogon)
	if strings.Contains(err.Error(), Password) {
		t.Fatalf("error leaks the password: %v", err)
	}

	if objs, err := a.ObjectCounts(c, user); err != nil || len(objs) != 0 {
		t.Errorf("ObjectCounts of a new user = %v, %v", objs, err)
	}
	if rows, err := a.RowCounts(c, user); err != nil || len(rows) != 0 {
		t.Errorf("RowCounts of a new user = %v, %v", rows, err)
	}

	if f.HoldSession != nil {
		release := f.HoldSession(t, user, Password)
		defer release()
	}
	if err := a.DropUserCascade(c, user); err != nil {
		t.Fatalf("DropUserCascade: %v", err)
	}
	if ok, err := a.UserExists(c, user); err != nil || ok {
		t.Fatalf("UserExists after drop = %v, %v", ok, err)
	}
	if err := a.DropUserCascade(c, user); err != nil {
		t.Fatalf("DropUserCascade of a missing user: %v", err)
	}
	wantCode(t, "Login after drop", a.Login(c, f.Descriptor, user, Password), oracle.ErrInvalidLogon)
	wantCode(t, "Grant to a missing user", a.Grant(c, user, sqlgen.Connect), 1917)
}

func injection(t *testing.T, f Fixture) {
	c := ctx(t)
	a := f.Admin
	for _, name := range []string{`x" CASCADE; DROP USER SYS --`, "SYS; --", "a b", "ÄÖ", "x\nDROP USER SYS"} {
		if err := a.DropUserCascade(c, name); !errors.Is(err, sqlgen.ErrInvalidIdentifier) {
			t.Errorf("DropUserCascade(%q) = %v, want ErrInvalidIdentifier", name, err)
		}
		if _, err := a.UserExists(c, name); !errors.Is(err, sqlgen.ErrInvalidIdentifier) {
			t.Errorf("UserExists(%q) = %v", name, err)
		}
	}
	user := userName(t)
	for _, pw := range []string{`p" DEFAULT TABLESPACE SYSTEM --`, "two\nlines", ""} {
		if err := a.CreateUser(c, user, pw, "USERS"); !errors.Is(err, sqlgen.ErrInvalidPassword) {
			t.Errorf("CreateUser with password %q = %v, want ErrInvalidPassword", pw, err)
		}
	}
	if ok, err := a.UserExists(c, user); err != nil || ok {
		t.Errorf("a rejected CreateUser created %s: %v, %v", user, ok, err)
	}
	if ok, err := a.UserExists(c, "SYS"); err != nil || !ok {
		t.Errorf("SYS exists = %v, %v", ok, err)
	}
}
