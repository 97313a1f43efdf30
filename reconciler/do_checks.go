package reconciler

import (
	"context"
	"errors"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// restoreChecks are the named checks whose failure fails a restore.
func (a *Agent) restoreChecks(target *manifests.Server, login checks.Login, desired *manifests.Set) []restore.Check {
	env := checks.Env{Server: target, Policies: desired.PoliciesFor(target.Metadata.Name), Login: login, Now: a.opt.Now, DialTimeout: 10 * time.Second}
	var out []restore.Check
	for _, name := range []string{"tnsnames-alias", "iis-binding", "localvault-keys", "oracle-login"} {
		out = append(out, restore.Check{Name: name, Run: func(ctx context.Context) error {
			r, err := checks.RunOne(ctx, env, name)
			if err != nil {
				return err
			}
			a.record(finished{op: "checks", checks: []checks.Result{r}})
			if !r.OK {
				return errors.New(r.Message)
			}
			return nil
		}})
	}
	return out
}

// runChecks runs every named check of a server and records the results.
func (a *Agent) runChecks(ctx context.Context, desired *manifests.Set, srv *manifests.Server) error {
	var login checks.Login
	var roles checks.Roles
	h, err := a.opt.Hosts.For(srv, nil)
	if err == nil {
		// The login check needs no administrative connection, only the tools to log in.
		if conn, cerr := h.Oracle(ctx); cerr == nil {
			defer conn.Close()
			login, roles = conn, conn
		} else {
			login, roles = failingLogin{cerr}, failingLogin{cerr}
		}
	}
	env := checks.Env{Server: srv, Policies: desired.PoliciesFor(srv.Metadata.Name), Login: login, Now: a.opt.Now, DialTimeout: 10 * time.Second, Roles: roles}
	res := checks.Run(ctx, env)
	a.record(finished{op: "checks", checks: res})
	now := a.opt.Now()
	a.update(func(st *state.Status) { st.ServerChecks[srv.Metadata.Name] = now })
	var failed []error
	for _, r := range res {
		if !r.OK {
			failed = append(failed, errors.New(r.Check+": "+r.Message))
		}
	}
	return errors.Join(failed...)
}

type failingLogin struct{ err error }

func (f failingLogin) Login(context.Context, string, string, string) error { return f.err }

func (f failingLogin) HasRole(context.Context, string, string) (bool, error) { return false, f.err }
