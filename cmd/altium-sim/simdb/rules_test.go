package simdb

import (
	"reflect"
	"testing"
)

// TestRevokeSideEffects pins MOS 1169515.1 per release: what a user holds after the
// restore seed's sequence CREATE USER … QUOTA UNLIMITED ON USERS, GRANT DBA, REVOKE DBA.
func TestRevokeSideEffects(t *testing.T) {
	tests := []struct {
		release     string
		op          func(s *State) error
		wantQuotas  []string
		wantUnlimit bool
	}{
		{Release112, revokeDBA, nil, false},
		{Release121, revokeDBA, nil, false},
		{Release19c, revokeDBA, []string{"USERS"}, false},
		{Release21XE, revokeDBA, []string{"USERS"}, false},
		// GRANT RESOURCE carries UNLIMITED TABLESPACE on 11.2 only; its revoke wipes quotas there.
		{Release112, grantResource, []string{"USERS"}, true},
		{Release121, grantResource, []string{"USERS"}, false},
		{Release112, func(s *State) error {
			if err := grantResource(s); err != nil {
				return err
			}
			return s.Revoke("APP", "RESOURCE")
		}, nil, false},
		{Release121, func(s *State) error {
			if err := grantResource(s); err != nil {
				return err
			}
			return s.Revoke("APP", "RESOURCE")
		}, []string{"USERS"}, false},
		// Revoking UNLIMITED TABLESPACE itself wipes quotas on 11.2 and 12.1, not on 19c.
		{Release121, revokeUnlimited, nil, false},
		{Release19c, revokeUnlimited, []string{"USERS"}, false},
	}
	for _, tc := range tests {
		st, err := Seed(SeedOptions{Schema: "OTHER", Password: "p", Release: tc.release})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateUser("APP", "p", "USERS"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetQuota("APP", "users"); err != nil {
			t.Fatal(err)
		}
		if err := tc.op(&st); err != nil {
			t.Fatalf("%s: %v", tc.release, err)
		}
		u := st.User("APP")
		if !reflect.DeepEqual(u.Quotas, tc.wantQuotas) || u.HasPrivilege("UNLIMITED TABLESPACE") != tc.wantUnlimit {
			t.Errorf("%s: quotas %v, unlimited %v; want %v, %v", tc.release, u.Quotas, u.HasPrivilege("UNLIMITED TABLESPACE"), tc.wantQuotas, tc.wantUnlimit)
		}
	}
}

func revokeDBA(s *State) error {
	if err := s.Grant("APP", "DBA"); err != nil {
		return err
	}
	if !s.User("APP").HasPrivilege("UNLIMITED TABLESPACE") {
		return Ora(1, "GRANT DBA did not grant UNLIMITED TABLESPACE")
	}
	return s.Revoke("APP", "DBA")
}

func grantResource(s *State) error { return s.Grant("APP", "RESOURCE") }

func revokeUnlimited(s *State) error {
	if err := s.Grant("APP", "UNLIMITED TABLESPACE"); err != nil {
		return err
	}
	return s.Revoke("APP", "UNLIMITED TABLESPACE")
}

func TestNoQuotaAcrossTablespaces(t *testing.T) {
	st, err := Seed(SeedOptions{Schema: "APP", Password: "p", Tables: 8, Rows: 1, LobTablespace: "altium_lob"})
	if err != nil {
		t.Fatal(err)
	}
	u := st.User("APP")
	if got := u.SegmentTablespaces(); !reflect.DeepEqual(got, []string{"ALTIUM_LOB", "USERS"}) {
		t.Fatalf("segment tablespaces = %v", got)
	}
	u.Privileges = []string{"CREATE SESSION"}
	u.Quotas = []string{"USERS"}
	if got := u.NoQuota(); !reflect.DeepEqual(got, []string{"ALTIUM_LOB"}) {
		t.Fatalf("NoQuota = %v, want [ALTIUM_LOB]", got)
	}
	if _, err := ParseRelease("18c"); err == nil {
		t.Fatal("ParseRelease(18c) accepted")
	}
}
