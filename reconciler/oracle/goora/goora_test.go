package goora

import (
	"errors"
	"strings"
	"testing"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
	"github.com/sijms/go-ora/v2/network"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
)

func TestURL(t *testing.T) {
	const pw = `p@ss/w:rd?&"x`
	tests := []struct {
		name    string
		target  Target
		sysdba  bool
		wantErr bool
		host    string
		port    int
		service string
	}{
		{name: "descriptor", target: Target{Descriptor: "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db01.corp.example.com)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=XE)))"},
			host: "db01.corp.example.com", port: 1522, service: "XE"},
		{name: "host port service", target: Target{Host: "db01", Port: 1521, Service: "ORCLPDB1"}, sysdba: true,
			host: "db01", port: 1521, service: "ORCLPDB1"},
		{name: "default port", target: Target{Host: "db01", Service: "XE"}, host: "db01", port: 1521, service: "XE"},
		{name: "alias is not a descriptor", target: Target{Descriptor: "XE"}, wantErr: true},
		{name: "nothing", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := URL(tc.target, "system", pw, tc.sysdba, 2*time.Hour)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("URL accepted: %s", u)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := go_ora.ParseConfig(u)
			if err != nil {
				t.Fatalf("go-ora cannot parse %q: %v", u, err)
			}
			if cfg.Password != pw || !strings.EqualFold(cfg.UserID, "system") {
				t.Errorf("credentials did not round-trip: %q", cfg.UserID)
			}
			if cfg.SessionInfo.Timeout != 2*time.Hour+time.Minute {
				t.Errorf("socket timeout = %v, want above the call timeout", cfg.SessionInfo.Timeout)
			}
			if len(cfg.Servers) == 0 || cfg.Servers[0].Addr != tc.host || cfg.Servers[0].Port != tc.port {
				t.Errorf("servers = %+v, want %s:%d", cfg.Servers, tc.host, tc.port)
			}
			if !strings.EqualFold(cfg.ServiceName, tc.service) {
				t.Errorf("service = %q, want %q", cfg.ServiceName, tc.service)
			}
			if (cfg.DBAPrivilege != 0) != tc.sysdba {
				t.Errorf("DBA privilege = %v, want sysdba=%v", cfg.DBAPrivilege, tc.sysdba)
			}
		})
	}
}

func TestOraErr(t *testing.T) {
	tests := []struct {
		in   error
		code int
		text string
	}{
		{in: &network.OracleError{ErrCode: 1918, ErrMsg: "ORA-01918: user 'X' does not exist\n"}, code: 1918, text: "ORA-01918: user 'X' does not exist"},
		{in: &network.OracleError{ErrCode: 1017}, code: 1017},
		{in: errors.New("dial tcp: secretpw refused"), text: "dial tcp: *** refused"},
	}
	for _, tc := range tests {
		got := oraErr(tc.in, "secretpw")
		if oracle.Code(got) != tc.code {
			t.Errorf("oraErr(%v) code = %d, want %d", tc.in, oracle.Code(got), tc.code)
		}
		if tc.text != "" && got.Error() != tc.text {
			t.Errorf("oraErr(%v) = %q, want %q", tc.in, got.Error(), tc.text)
		}
	}
}

func TestInPDB(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVER=DEDICATED)(SERVICE_NAME = XE)))",
			"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVER=DEDICATED)(SERVICE_NAME=XEPDB1)))"},
		{"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SID=ORCL)))",
			"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XEPDB1)))"},
	}
	for _, tc := range tests {
		if got := InPDB(Target{Descriptor: tc.in}, "XEPDB1").Descriptor; got != tc.want {
			t.Errorf("InPDB(%s) = %s", tc.in, got)
		}
	}
	if got := InPDB(Target{Host: "db", Port: 1521, Service: "XE"}, "XEPDB1"); got.Service != "XEPDB1" {
		t.Errorf("InPDB(host/service) = %+v", got)
	}
	if got := InPDB(Target{Service: "XE"}, ""); got.Service != "XE" {
		t.Errorf("InPDB without a PDB changed %+v", got)
	}
}
