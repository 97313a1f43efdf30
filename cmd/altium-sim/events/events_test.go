package events

import (
	"reflect"
	"testing"
)

func TestMask(t *testing.T) {
	secrets := []string{"Altium", "Manager19c"}
	tests := []struct {
		name   string
		argv   []string
		want   []string
		leaked bool
	}{
		{"connect string", []string{"AESUSER313/Altium@XE", "owner=AESUSER313"}, []string{"AESUSER313/***@XE", "owner=AESUSER313"}, true},
		{"userid", []string{"userid=system/Manager19c"}, []string{"userid=system/***"}, true},
		{"bare", []string{"identified", "by", "Altium"}, []string{"identified", "by", "***"}, true},
		{"quoted value", []string{`password="Altium"`}, []string{"password=***"}, true},
		{"path segment", []string{"-i", "/srv/Altium/Altium365/LocalVault.ini"}, []string{"-i", "/srv/Altium/Altium365/LocalVault.ini"}, false},
		{"windows path", []string{`C:\Program Files (x86)\Altium\LocalVault.ini`}, []string{`C:\Program Files (x86)\Altium\LocalVault.ini`}, false},
		{"parfile", []string{"parfile=/tmp/p.par"}, []string{"parfile=/tmp/p.par"}, false},
		{"os auth", []string{"/", "as", "sysdba"}, []string{"/", "as", "sysdba"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, leaked := Mask(tc.argv, secrets)
			if !reflect.DeepEqual(got, tc.want) || leaked != tc.leaked {
				t.Fatalf("Mask(%q) = %q, %v; want %q, %v", tc.argv, got, leaked, tc.want, tc.leaked)
			}
		})
	}
}
