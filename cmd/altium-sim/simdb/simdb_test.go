package simdb

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

func seeded(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	st, err := Seed(SeedOptions{Schema: "aesuser313", Password: "Altium", AdminPassword: "Manager1",
		Tables: 5, Rows: 10, DataPumpDir: filepath.Join(root, "oracle", "dpdump"), Generation: 7})
	if err != nil {
		t.Fatal(err)
	}
	if err := Create(root, st); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestOpenSaveRoundTrip(t *testing.T) {
	root := seeded(t)
	db, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	u := db.User("AESUSER313")
	if u == nil || u.Generation != 7 || len(u.Tables) != 5 || u.Tables[4].Rows != 14 {
		t.Fatalf("seeded schema = %+v", u)
	}
	u.Generation = 8
	if err := db.Save(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if g := db.User("aesuser313").Generation; g != 8 {
		t.Fatalf("generation after save = %d, want 8", g)
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("Open(empty) = %v, want ErrNoDatabase", err)
	}
}

func TestLockSerializes(t *testing.T) {
	root := seeded(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := Open(root)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			db.User("AESUSER313").Generation++
			if err := db.Save(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	db, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if g := db.User("AESUSER313").Generation; g != 15 {
		t.Fatalf("generation = %d after 8 locked increments from 7, want 15", g)
	}
}

func TestUserOperations(t *testing.T) {
	tests := []struct {
		name string
		op   func(s *State) error
		code int
	}{
		{"login ok", func(s *State) error { _, err := s.Login("aesuser313", "Altium"); return err }, 0},
		{"login wrong password", func(s *State) error { _, err := s.Login("AESUSER313", "altium"); return err }, ErrInvalidLogon},
		{"login unknown user", func(s *State) error { _, err := s.Login("NOBODY", "x"); return err }, ErrInvalidLogon},
		{"login locked", func(s *State) error {
			_ = s.SetLocked("AESUSER313", true)
			_, err := s.Login("AESUSER313", "Altium")
			return err
		}, ErrAccountLocked},
		{"login without create session", func(s *State) error {
			_, _ = s.CreateUser("BARE", "pw", "")
			_, err := s.Login("BARE", "pw")
			return err
		}, ErrNoCreateSession},
		{"drop missing", func(s *State) error { return s.DropUser("NOBODY", true) }, ErrUserNotExist},
		{"drop without cascade", func(s *State) error { return s.DropUser("AESUSER313", false) }, ErrCascadeRequired},
		{"drop connected", func(s *State) error {
			s.User("AESUSER313").Sessions = 3
			return s.DropUser("AESUSER313", true)
		}, ErrUserConnected},
		{"drop cascade", func(s *State) error { return s.DropUser("AESUSER313", true) }, 0},
		{"create existing", func(s *State) error { _, err := s.CreateUser("aesuser313", "x", ""); return err }, ErrUserConflict},
		{"create role name", func(s *State) error { _, err := s.CreateUser("DBA", "x", ""); return err }, ErrUserConflict},
		{"create bad tablespace", func(s *State) error { _, err := s.CreateUser("NEW", "x", "ALTIUM"); return err }, ErrNoTablespace},
		{"grant dba", func(s *State) error { return s.Grant("AESUSER313", "dba", "create  session") }, 0},
		{"grant bad privilege", func(s *State) error { return s.Grant("AESUSER313", "FLY") }, ErrInvalidPrivilege},
		{"grant to missing", func(s *State) error { return s.Grant("NOBODY", "DBA") }, ErrGranteeNotExist},
		{"revoke not granted role", func(s *State) error { return s.Revoke("AESUSER313", "DBA") }, ErrRoleNotGranted},
		{"revoke not granted privilege", func(s *State) error { return s.Revoke("AESUSER313", "CREATE VIEW") }, ErrPrivNotGranted},
		{"grant then revoke", func(s *State) error {
			if err := s.Grant("AESUSER313", "DBA"); err != nil {
				return err
			}
			if err := s.Revoke("AESUSER313", "DBA"); err != nil {
				return err
			}
			if s.User("AESUSER313").HasRole("DBA") {
				return Ora(1, "still has DBA")
			}
			return nil
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Seed(SeedOptions{Schema: "AESUSER313", Password: "Altium", Tables: 2, Rows: 1})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.op(&st)
			if got := OraCode(err); got != tc.code || (tc.code == 0) != (err == nil) {
				t.Fatalf("error = %v (code %d), want code %d", err, got, tc.code)
			}
		})
	}
}

func TestRowDeterministic(t *testing.T) {
	a, b := Row("DEPT", 3, 9), Row("DEPT", 3, 9)
	if !bytes.Equal(a, b) || len(a) != RowSize || a[RowSize-1] != '\n' {
		t.Fatalf("Row not deterministic or wrong size: %q %q", a, b)
	}
	if bytes.Equal(a, Row("DEPT", 3, 10)) || bytes.Equal(a, Row("DEPT", 4, 9)) {
		t.Fatal("Row does not depend on generation and index")
	}
}

func TestOraErrorText(t *testing.T) {
	st, _ := Seed(SeedOptions{Schema: "X1", Password: "p"})
	err := st.DropUser("ghost", true)
	if got, want := err.Error(), "ORA-01918: user 'GHOST' does not exist"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
