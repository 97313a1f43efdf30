package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// checkTnsnamesAlias: LocalVault.ini's DatabaseName is a tnsnames.ora alias whose first
// address is LocalVault.ini's DBLocation.
func checkTnsnamesAlias(_ context.Context, env Env) (string, error) {
	e, lv, err := lookupAlias(env)
	if err != nil {
		return "", err
	}
	dbl, _ := lv.Get(keyDBLocation)
	want, err := parseLocation(dbl)
	if err != nil {
		return "", fmt.Errorf("LocalVault.ini %s: %w", lv.Name, err)
	}
	alias := e.Name
	if p := e.Protocol; p != "TCP" && p != "TCPS" {
		return "", errors.New(withWarnings(fmt.Sprintf("tnsnames.ora alias %s (%s) uses protocol %q, not TCP: point it at %s over TCP", alias, e.Pos, p, want), e))
	}
	got := location{e.Host, e.Port}
	if !got.equal(want) {
		return "", errors.New(withWarnings(fmt.Sprintf("LocalVault.ini DBLocation is %s but tnsnames.ora alias %s points to %s (%s): make them agree",
			want, alias, got, e.Pos), e))
	}
	return withWarnings(fmt.Sprintf("tnsnames.ora alias %s points to %s, the DBLocation of LocalVault.ini", alias, got), e), nil
}

// checkOracleListener: a TCP connection to DBLocation opens within the dial timeout.
func checkOracleListener(ctx context.Context, env Env) (string, error) {
	dbl, lv, err := localVaultValue(env, keyDBLocation)
	if err != nil {
		return "", err
	}
	loc, err := parseLocation(dbl)
	if err != nil {
		return "", fmt.Errorf("LocalVault.ini %s: %w", lv.Name, err)
	}
	timeout := env.DialTimeout
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", loc.String())
	if err != nil {
		return "", fmt.Errorf("no Oracle listener answers at %s (DBLocation of LocalVault.ini) within %s: %v; check that the listener runs (lsnrctl status) and that no firewall blocks the port",
			loc, timeout, err)
	}
	conn.Close()
	return fmt.Sprintf("the Oracle listener at %s accepts TCP connections", loc), nil
}

// checkOracleLogin: LocalVault.ini's User and Password log in through the DatabaseName alias.
func checkOracleLogin(ctx context.Context, env Env) (string, error) {
	if env.Login == nil {
		return "", errors.New("this agent has no Oracle login configured, so the LocalVault.ini credentials cannot be tried")
	}
	e, lv, err := lookupAlias(env)
	if err != nil {
		return "", err
	}
	user, _ := lv.Get(keyUser)
	password, _ := lv.Get(keyPassword)
	if user == "" || password == "" {
		return "", fmt.Errorf("LocalVault.ini %s has no User or no Password to log in with: add them", lv.Name)
	}
	if err := env.Login.Login(ctx, e.Descriptor, user, password); err != nil {
		msg := err.Error()
		if len(password) >= 1 {
			msg = strings.ReplaceAll(msg, password, "********")
		}
		return "", fmt.Errorf("Oracle refused the LocalVault.ini credentials of user %s through alias %s (%s): %s; check the password in LocalVault.ini and that the user exists and is unlocked",
			user, e.Name, e.HostPort(), msg)
	}
	return fmt.Sprintf("user %s logs in to Oracle through alias %s (%s)", user, e.Name, e.HostPort()), nil
}

// checkSchemaNotDBA: the application's schema user does not hold the DBA role. A restore
// grants it for the import and revokes it afterwards; the checks never run while a restore
// of the server runs (its runbooks are serialized), so DBA found here was left behind: a
// revoke that failed, a crash, or a grant by hand (issue 14 point 7).
func checkSchemaNotDBA(ctx context.Context, env Env) (string, error) {
	if env.Roles == nil {
		return "", errors.New("this agent has no administrative Oracle connection, so the schema user's roles cannot be read")
	}
	user := strings.ToUpper(env.Server.Spec.Oracle.Schema)
	if user == "" {
		return "", errors.New("the server has no spec.oracle.schema to check")
	}
	dba, err := env.Roles.HasRole(ctx, user, "DBA")
	if err != nil {
		return "", fmt.Errorf("could not read the roles of %s: %v", user, err)
	}
	if dba {
		return "", fmt.Errorf("schema user %s holds the DBA role outside a restore: run REVOKE DBA FROM %s as a DBA (a restore grants it only while it imports)", user, user)
	}
	return fmt.Sprintf("schema user %s does not hold the DBA role", user), nil
}
