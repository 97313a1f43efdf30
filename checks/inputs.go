package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/iis"
	"github.com/vaultkeeper/vaultkeeper/checks/localvault"
	"github.com/vaultkeeper/vaultkeeper/checks/tnsnames"
)

// The LocalVault.ini keys the restore procedure names.
const (
	keyDomain         = "Domain"
	keyWebsiteDomain  = "WebsiteDomain"
	keyDataSourceType = "DataSourceType"
	keyUser           = "User"
	keyPassword       = "Password"
	keyDBLocation     = "DBLocation"
	keyDatabaseName   = "DatabaseName"
)

var requiredKeys = []string{keyDomain, keyWebsiteDomain, keyDataSourceType, keyUser, keyPassword, keyDBLocation, keyDatabaseName}

func readLocalVault(env Env) (*localvault.File, error) {
	p := env.Server.Spec.LocalVaultIni
	if p == "" {
		return nil, fmt.Errorf("server %s has no spec.localVaultIni", env.Server.Metadata.Name)
	}
	f, err := localvault.ParseFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("LocalVault.ini not found at %s: restore it, or fix spec.localVaultIni of server %s", p, env.Server.Metadata.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read LocalVault.ini: %w", err)
	}
	return f, nil
}

// localVaultValue reads LocalVault.ini and returns the non-empty value of key.
func localVaultValue(env Env, key string) (string, *localvault.File, error) {
	f, err := readLocalVault(env)
	if err != nil {
		return "", nil, err
	}
	v, _ := f.Get(key)
	if strings.TrimSpace(v) == "" {
		return "", f, fmt.Errorf("LocalVault.ini %s has no %s: add %s=… to it", f.Name, key, key)
	}
	return v, f, nil
}

// lookupAlias resolves LocalVault.ini's DatabaseName as Oracle Net does (tnsnames.Resolve,
// the resolution the go-ora connection uses too).
func lookupAlias(env Env) (*tnsnames.Resolution, *localvault.File, error) {
	alias, lv, err := localVaultValue(env, keyDatabaseName)
	if err != nil {
		return nil, nil, err
	}
	p := env.Server.Spec.Oracle.Tnsnames
	if p == "" {
		return nil, lv, fmt.Errorf("server %s has no spec.oracle.tnsnames", env.Server.Metadata.Name)
	}
	r, err := tnsnames.Resolve(p, alias)
	switch {
	case err == nil:
		return r, lv, nil
	case errors.Is(err, tnsnames.ErrBroken):
		return nil, lv, fmt.Errorf("tnsnames.ora has a syntax error in entry %s, which LocalVault.ini's DatabaseName names; fix it: %w", alias, err)
	case errors.Is(err, tnsnames.ErrNotFound):
		return nil, lv, fmt.Errorf("LocalVault.ini DatabaseName is %s but %w: add it, or set DatabaseName to an alias it defines", alias, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, lv, fmt.Errorf("tnsnames.ora not found at %s: restore it, or fix spec.oracle.tnsnames of server %s", p, env.Server.Metadata.Name)
	default:
		return nil, lv, fmt.Errorf("cannot read tnsnames.ora: %w", err)
	}
}

// withWarnings appends the warnings of a resolution to a check's message.
func withWarnings(msg string, r *tnsnames.Resolution) string {
	if len(r.Warnings) == 0 {
		return msg
	}
	return msg + "; warning: " + strings.Join(r.Warnings, "; warning: ")
}

func readIIS(env Env) (*iis.Config, error) {
	p := env.Server.Spec.IIS.ApplicationHostConfig
	if p == "" {
		return nil, fmt.Errorf("server %s has no spec.iis.applicationHostConfig", env.Server.Metadata.Name)
	}
	c, err := iis.ParseFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("applicationHost.config not found at %s: fix spec.iis.applicationHostConfig of server %s", p, env.Server.Metadata.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read applicationHost.config: %w", err)
	}
	return c, nil
}

// location is a host:port such as DBLocation.
type location struct {
	host string
	port int
}

func (l location) String() string { return net.JoinHostPort(l.host, strconv.Itoa(l.port)) }

func (l location) equal(o location) bool {
	return strings.EqualFold(l.host, o.host) && l.port == o.port
}

func parseLocation(s string) (location, error) {
	h, p, err := net.SplitHostPort(strings.TrimSpace(s))
	if err != nil || h == "" {
		return location{}, fmt.Errorf("DBLocation %q is not host:port (for example oradb01.corp.example.com:1521)", s)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return location{}, fmt.Errorf("DBLocation %q has no valid port (1-65535)", s)
	}
	return location{h, port}, nil
}
