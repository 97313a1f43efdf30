package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// checkLocalVaultKeys: the required keys are present, DataSourceType is Oracle, User is the
// server's schema, no key is written twice with different values, and each spec.expect value matches.
func checkLocalVaultKeys(_ context.Context, env Env) (string, error) {
	f, err := readLocalVault(env)
	if err != nil {
		return "", err
	}
	var problems []string
	for _, k := range requiredKeys {
		if v, _ := f.Get(k); strings.TrimSpace(v) == "" {
			problems = append(problems, fmt.Sprintf("%s is missing or empty: add %s=…", k, k))
		}
	}
	if v, ok := f.Get(keyDataSourceType); ok && v != "" && !strings.EqualFold(v, "Oracle") {
		problems = append(problems, fmt.Sprintf("DataSourceType is %s: set DataSourceType=Oracle", v))
	}
	schema := env.Server.Spec.Oracle.Schema
	if v, ok := f.Get(keyUser); ok && v != "" && !strings.EqualFold(v, schema) {
		problems = append(problems, fmt.Sprintf("User is %s but the server's spec.oracle.schema is %s: set User=%s (or fix the manifest)", v, schema, schema))
	}
	for _, d := range f.Duplicates {
		if d.Differs { // the same value twice is untidy but harmless
			problems = append(problems, fmt.Sprintf("%s is set twice with different values (lines %d and %d) and the first is used: remove the wrong one", d.Key, d.FirstLine, d.Line))
		}
	}
	exp := env.Server.Spec.Expect
	for _, x := range []struct{ key, field, want string }{
		{keyDomain, "domain", exp.Domain},
		{keyWebsiteDomain, "websiteDomain", exp.WebsiteDomain},
		{keyDBLocation, "dbLocation", exp.DBLocation},
		{keyDatabaseName, "databaseName", exp.DatabaseName},
	} {
		got, _ := f.Get(x.key)
		if x.want == "" || got == "" || sameSetting(x.key, got, x.want) {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s is %s but spec.expect.%s is %s: set %s=%s (or fix the manifest)", x.key, got, x.field, x.want, x.key, x.want))
	}
	if len(problems) > 0 {
		return "", errors.New("LocalVault.ini " + f.Name + ": " + strings.Join(problems, "; "))
	}
	return fmt.Sprintf("LocalVault.ini %s has the %d required keys, DataSourceType=Oracle, User=%s (the schema) and the expected values",
		f.Name, len(requiredKeys), schema), nil
}

// sameSetting compares LocalVault values: host names, domains and aliases case-insensitively,
// DBLocation as host and port.
func sameSetting(key, got, want string) bool {
	if key == keyDBLocation {
		g, err1 := parseLocation(got)
		w, err2 := parseLocation(want)
		if err1 == nil && err2 == nil {
			return g.equal(w)
		}
	}
	return strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(want))
}
