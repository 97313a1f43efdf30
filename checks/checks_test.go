package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// fakeLogin accepts one user/password pair and records what it was asked.
type fakeLogin struct {
	user, password string
	descriptor     string
	block          bool
}

func (f *fakeLogin) Login(ctx context.Context, descriptor, user, password string) error {
	f.descriptor = descriptor
	if f.block {
		<-ctx.Done()
		return ctx.Err()
	}
	if user != f.user || password != f.password {
		return fmt.Errorf("ORA-01017: invalid username/password; logon denied (tried %s/%s)", user, password)
	}
	return nil
}

// host is a simulated Altium host: its files in a temp dir and a listening "Oracle" port.
type host struct {
	dir      string
	server   *manifests.Server
	policies []*manifests.BackupPolicy
	login    *fakeLogin
	port     int
}

const localVaultTmpl = "[Settings]\r\nDomain=CORP\r\nWebsiteDomain=aes.corp.example.com\r\nDataSourceType=Oracle\r\nUser=AESUSER313\r\nPassword=s3cr;et\r\nDBLocation=127.0.0.1:%d\r\nDatabaseName=XE\r\n"

const tnsTmpl = "XE =\n  (DESCRIPTION =\n    (ADDRESS = (PROTOCOL = TCP)(HOST = 127.0.0.1)(PORT = %d))\n    (CONNECT_DATA = (SERVICE_NAME = XE))\n  )\n"

const appHost = `<configuration><system.applicationHost><sites>
<site name="Default Web Site" id="1"><bindings><binding protocol="http" bindingInformation="*:80:" /></bindings></site>
<site name="Altium365" id="2"><bindings><binding protocol="https" bindingInformation="*:9785:aes.corp.example.com" sslFlags="1" /></bindings></site>
</sites></system.applicationHost></configuration>`

func newHost(t *testing.T) *host {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	h := &host{dir: t.TempDir(), port: ln.Addr().(*net.TCPAddr).Port, login: &fakeLogin{user: "AESUSER313", password: "s3cr;et"}}
	h.write(t, "LocalVault.ini", fmt.Sprintf(localVaultTmpl, h.port))
	h.write(t, "tnsnames.ora", fmt.Sprintf(tnsTmpl, h.port))
	h.write(t, "applicationHost.config", appHost)
	for _, d := range []string{"backups", "nas"} {
		if err := os.Mkdir(filepath.Join(h.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.server = &manifests.Server{Metadata: manifests.ObjectMeta{Name: "aes-prod"}, Spec: manifests.ServerSpec{
		LocalVaultIni: filepath.Join(h.dir, "LocalVault.ini"),
		IIS:           manifests.IISSpec{ApplicationHostConfig: filepath.Join(h.dir, "applicationHost.config"), Site: "Altium365"},
		Oracle:        manifests.OracleSpec{Tnsnames: filepath.Join(h.dir, "tnsnames.ora"), Schema: "aesuser313"},
		Expect:        manifests.ExpectSpec{Domain: "corp", WebsiteDomain: "AES.corp.example.com", DBLocation: fmt.Sprintf("127.0.0.1:%d", h.port), DatabaseName: "xe"},
	}}
	h.policies = []*manifests.BackupPolicy{
		{Metadata: manifests.ObjectMeta{Name: "nightly"}, Spec: manifests.BackupPolicySpec{Server: "aes-prod",
			Destination: filepath.Join(h.dir, "backups"), Copies: []string{filepath.Join(h.dir, "nas")}}},
		{Metadata: manifests.ObjectMeta{Name: "other-server"}, Spec: manifests.BackupPolicySpec{Server: "aes-test",
			Destination: filepath.Join(h.dir, "missing-but-not-ours")}},
	}
	return h
}

func (h *host) write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (h *host) env() Env {
	return Env{Server: h.server, Policies: h.policies, Login: h.login, DialTimeout: 2 * time.Second, Roles: &fakeRoles{}}
}

// fakeRoles answers HasRole: dba users hold DBA.
type fakeRoles struct {
	dba  map[string]bool
	err  error
	asks []string
}

func (f *fakeRoles) HasRole(_ context.Context, user, role string) (bool, error) {
	f.asks = append(f.asks, user+" "+role)
	return role == "DBA" && f.dba[user], f.err
}

// TestSchemaNotDBA (issue 14 point 7): a schema user left with DBA is reported.
func TestSchemaNotDBA(t *testing.T) {
	for _, tc := range []struct {
		name  string
		roles Roles
		ok    bool
		want  string
	}{
		{"not DBA", &fakeRoles{}, true, "AESUSER313 does not hold the DBA role"},
		{"DBA left behind", &fakeRoles{dba: map[string]bool{"AESUSER313": true}}, false, "REVOKE DBA FROM AESUSER313"},
		{"roles unreadable", &fakeRoles{err: errors.New("ORA-12541: TNS:no listener")}, false, "ORA-12541"},
		{"no admin connection", nil, false, "no administrative Oracle connection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newHost(t).env()
			env.Roles = tc.roles
			r, err := RunOne(context.Background(), env, "schema-not-dba")
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tc.ok || !strings.Contains(r.Message, tc.want) {
				t.Errorf("result %+v, want ok=%v saying %q", r, tc.ok, tc.want)
			}
		})
	}
}

func TestRunAllPass(t *testing.T) {
	h := newHost(t)
	clock := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	env := h.env()
	env.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	results := Run(context.Background(), env)
	if len(results) != len(Names) {
		t.Fatalf("%d results, want %d", len(results), len(Names))
	}
	for i, r := range results {
		if r.Check != Names[i] || r.Server != "aes-prod" || !r.OK || r.Duration != time.Second || r.Time.IsZero() {
			t.Errorf("result %d = %+v", i, r)
		}
		if strings.Contains(r.Message, "s3cr;et") {
			t.Errorf("%s message holds the password: %s", r.Check, r.Message)
		}
	}
	if want := "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)(PORT="; !strings.HasPrefix(h.login.descriptor, want) {
		t.Errorf("login descriptor = %q", h.login.descriptor)
	}
	entries, _ := os.ReadDir(filepath.Join(h.dir, "backups"))
	if len(entries) != 0 {
		t.Errorf("probe files left behind: %v", entries)
	}
}

func TestChecksFail(t *testing.T) {
	tests := []struct {
		name  string
		check string
		setup func(t *testing.T, h *host)
		want  string
	}{
		{"missing LocalVault.ini", "localvault-keys", func(t *testing.T, h *host) { os.Remove(h.server.Spec.LocalVaultIni) },
			"LocalVault.ini not found at "},
		{"missing keys", "localvault-keys", func(t *testing.T, h *host) { h.write(t, "LocalVault.ini", "Domain=CORP\nDataSourceType=MSSQL\n") },
			"WebsiteDomain is missing or empty: add WebsiteDomain=…"},
		{"not Oracle", "localvault-keys", func(t *testing.T, h *host) {
			h.write(t, "LocalVault.ini", strings.Replace(fmt.Sprintf(localVaultTmpl, h.port), "=Oracle", "=Firebird", 1))
		}, "DataSourceType is Firebird: set DataSourceType=Oracle"},
		{"wrong user", "localvault-keys", func(t *testing.T, h *host) { h.server.Spec.Oracle.Schema = "ANSUSER313" },
			"User is AESUSER313 but the server's spec.oracle.schema is ANSUSER313: set User=ANSUSER313"},
		{"expect differs", "localvault-keys", func(t *testing.T, h *host) { h.server.Spec.Expect.DBLocation = "oradb02:1521" },
			"DBLocation is 127.0.0.1:"},
		{"duplicate key", "localvault-keys", func(t *testing.T, h *host) {
			h.write(t, "LocalVault.ini", fmt.Sprintf(localVaultTmpl, h.port)+"dblocation=oradb02:1521\r\n")
		}, "dblocation is set twice with different values (lines 7 and 9)"},
		{"alias points elsewhere", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", "XE=(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=oradb01)(PORT=1521))(CONNECT_DATA=(SID=XE)))\n")
		}, "LocalVault.ini DBLocation is 127.0.0.1:"},
		{"alias missing", "tnsnames-alias", func(t *testing.T, h *host) { h.write(t, "tnsnames.ora", "YE=(ADDRESS=(HOST=h)(PORT=1))\n") },
			"LocalVault.ini DatabaseName is XE but tnsnames.ora "},
		{"tnsnames syntax", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", "XE=(DESCRIPTION=\n  (ADDRESS=(HOST=h)(PORT=1))\nYE=\n")
		},
			"tnsnames.ora has a syntax error in entry XE, which LocalVault.ini's DatabaseName names; fix it: tnsnames.ora entry XE ("},
		{"last definition wins", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", fmt.Sprintf(tnsTmpl, h.port)+"xe = other-db:1521/XE\n")
		}, "LocalVault.ini DBLocation is 127.0.0.1:"},
		{"tnsnames missing", "tnsnames-alias", func(t *testing.T, h *host) { h.server.Spec.Oracle.Tnsnames = filepath.Join(h.dir, "none.ora") },
			"tnsnames.ora not found at "},
		{"IPC alias", "tnsnames-alias", func(t *testing.T, h *host) { h.write(t, "tnsnames.ora", "XE=(ADDRESS=(PROTOCOL=IPC)(KEY=x))\n") },
			"uses protocol \"IPC\", not TCP"},
		{"no such site", "iis-binding", func(t *testing.T, h *host) { h.server.Spec.IIS.Site = "Altium" },
			"IIS has no site Altium (sites: Default Web Site, Altium365)"},
		{"binding host differs", "iis-binding", func(t *testing.T, h *host) {
			h.write(t, "LocalVault.ini", strings.Replace(fmt.Sprintf(localVaultTmpl, h.port), "aes.corp", "nexus.corp", 1))
		}, "IIS site Altium365 has no binding with host name nexus.corp.example.com"},
		{"wildcard for another domain", "iis-binding", func(t *testing.T, h *host) {
			h.write(t, "applicationHost.config", strings.Replace(appHost, "*:9785:aes.corp.example.com", "*:9785:*.example.org", 1))
		}, "IIS site Altium365 has no binding with host name aes.corp.example.com (WebsiteDomain in "},
		{"http binding without host", "iis-binding", func(t *testing.T, h *host) {
			h.write(t, "applicationHost.config", strings.Replace(strings.Replace(appHost, "*:9785:aes.corp.example.com", "*:80:", 1), `"https"`, `"http"`, 2))
		}, "its http(s) bindings are http/*:80:"},
		{"config missing", "iis-binding", func(t *testing.T, h *host) { os.Remove(h.server.Spec.IIS.ApplicationHostConfig) },
			"applicationHost.config not found at"},
		{"bad config", "iis-binding", func(t *testing.T, h *host) { h.write(t, "applicationHost.config", "<configuration>") },
			"cannot read applicationHost.config: "},
		{"listener down", "oracle-listener", func(t *testing.T, h *host) {
			h.write(t, "LocalVault.ini", fmt.Sprintf(localVaultTmpl, closedPort(t)))
		}, "no Oracle listener answers at 127.0.0.1:"},
		{"bad DBLocation", "oracle-listener", func(t *testing.T, h *host) {
			h.write(t, "LocalVault.ini", strings.Replace(fmt.Sprintf(localVaultTmpl, 1), "127.0.0.1:1", "oradb01", 1))
		}, "DBLocation \"oradb01\" is not host:port"},
		{"wrong password", "oracle-login", func(t *testing.T, h *host) { h.login.password = "other" },
			"Oracle refused the LocalVault.ini credentials of user AESUSER313 through alias XE"},
		{"no login", "oracle-login", func(t *testing.T, h *host) { h.login = nil },
			"this agent has no Oracle login configured"},
		{"destination missing", "destination-writable", func(t *testing.T, h *host) { os.Remove(filepath.Join(h.dir, "nas")) },
			"policy nightly copy "},
		{"destination is a file", "destination-writable", func(t *testing.T, h *host) {
			h.policies[0].Spec.Destination = h.server.Spec.LocalVaultIni
		}, "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t)
			tt.setup(t, h)
			env := h.env()
			if h.login == nil {
				env.Login = nil
			}
			r, err := RunOne(context.Background(), env, tt.check)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK || !strings.Contains(r.Message, tt.want) {
				t.Fatalf("%s: OK=%v message %q, want failure containing %q", tt.check, r.OK, r.Message, tt.want)
			}
			if strings.Contains(r.Message, "s3cr;et") {
				t.Errorf("message holds the password: %s", r.Message)
			}
		})
	}
}

// closedPort returns a local port nothing listens on.
func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

func TestDestinationNotWritable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not make a folder read-only on Windows")
	}
	h := newHost(t)
	ro := filepath.Join(h.dir, "backups")
	if os.Geteuid() == 0 {
		// Permission bits do not stop root; the immutable attribute does (CI runs as root).
		if out, err := exec.Command("chattr", "+i", ro).CombinedOutput(); err != nil {
			t.Fatalf("chattr +i %s: %v %s", ro, err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", ro).Run() })
	} else {
		if err := os.Chmod(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(ro, 0o755) })
	}
	r, _ := RunOne(context.Background(), h.env(), "destination-writable")
	if r.OK || !strings.Contains(r.Message, "cannot create a file in it") {
		t.Fatalf("%+v", r)
	}
}

func TestRunBoundedByContext(t *testing.T) {
	h := newHost(t)
	h.login.block = true
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, _ := RunOne(ctx, h.env(), "oracle-login")
	if r.OK || !strings.Contains(r.Message, "context deadline exceeded") {
		t.Fatalf("%+v", r)
	}
	results := Run(ctx, h.env()) // ctx is now done: nothing runs
	for _, r := range results {
		if r.OK || !strings.HasPrefix(r.Message, "not run: ") {
			t.Errorf("%+v", r)
		}
	}
}

type panicLogin struct{}

func (panicLogin) Login(context.Context, string, string, string) error { panic("boom") }

func TestPanicAndUnknown(t *testing.T) {
	h := newHost(t)
	env := h.env()
	env.Login = panicLogin{}
	r, _ := RunOne(context.Background(), env, "oracle-login")
	if r.OK || !strings.Contains(r.Message, "internal error in the check: boom") {
		t.Fatalf("%+v", r)
	}
	if _, err := RunOne(context.Background(), env, "nope"); err == nil || !strings.Contains(err.Error(), `unknown check "nope"`) {
		t.Fatalf("err = %v", err)
	}
	r, _ = RunOne(context.Background(), Env{}, "localvault-keys")
	if r.OK || r.Message != "no server to check" {
		t.Fatalf("%+v", r)
	}
}

func TestSameValueTwiceIsFine(t *testing.T) {
	h := newHost(t)
	h.write(t, "LocalVault.ini", fmt.Sprintf(localVaultTmpl, h.port)+"domain=CORP\r\n")
	r, _ := RunOne(context.Background(), h.env(), "localvault-keys")
	if !r.OK {
		t.Fatalf("%+v", r)
	}
}
