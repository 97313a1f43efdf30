package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// Login logs in to Oracle; the Oracle package provides the real one, tests a fake.
type Login interface {
	// Login connects with descriptor (a one-line (DESCRIPTION=…)) as user and returns nil
	// when the credentials are accepted. It must honour ctx.
	Login(ctx context.Context, descriptor, user, password string) error
}

// Result is the outcome of one check of one server. Message tells the admin what was found
// and, when OK is false, what to fix. It never holds a password.
type Result struct {
	Server   string
	Check    string
	OK       bool
	Message  string
	Time     time.Time
	Duration time.Duration
}

// Env is what the checks of one server need.
type Env struct {
	// Server is the server checked; its file paths are already defaulted.
	Server *manifests.Server
	// Policies are backup policies; those whose spec.server is Server are checked.
	Policies []*manifests.BackupPolicy
	// Login is used by oracle-login; nil makes that check fail.
	Login Login
	// Now is the clock (default time.Now).
	Now func() time.Time
	// DialTimeout bounds the oracle-listener TCP dial (default DefaultDialTimeout).
	DialTimeout time.Duration
	// Roles is the administrative connection schema-not-dba asks; nil makes that check fail.
	Roles Roles
}

// Roles answers whether a user holds a role (the administrative connection).
type Roles interface {
	HasRole(ctx context.Context, user, role string) (bool, error)
}

// DefaultDialTimeout is the oracle-listener dial timeout when Env.DialTimeout is 0.
const DefaultDialTimeout = 5 * time.Second

// Names lists the checks in the order Run runs them.
var Names = []string{"localvault-keys", "tnsnames-alias", "iis-binding", "oracle-listener", "oracle-login", "destination-writable", "schema-not-dba"}

// checkFunc returns a message saying what was found when the check passes, or an error
// whose text tells the admin what to fix.
type checkFunc func(ctx context.Context, env Env) (string, error)

var registry = map[string]checkFunc{
	"localvault-keys":      checkLocalVaultKeys,
	"tnsnames-alias":       checkTnsnamesAlias,
	"iis-binding":          checkIISBinding,
	"oracle-listener":      checkOracleListener,
	"oracle-login":         checkOracleLogin,
	"destination-writable": checkDestinationWritable,
	"schema-not-dba":       checkSchemaNotDBA,
}

// Run runs every check of Names in order; each is bounded by ctx.
func Run(ctx context.Context, env Env) []Result {
	out := make([]Result, 0, len(Names))
	for _, name := range Names {
		r, _ := RunOne(ctx, env, name) // names come from Names: never unknown
		out = append(out, r)
	}
	return out
}

// RunOne runs the check called name. The error is only for an unknown name; a failing
// check is a Result with OK false.
func RunOne(ctx context.Context, env Env, name string) (Result, error) {
	fn, ok := registry[name]
	if !ok {
		return Result{}, fmt.Errorf("unknown check %q (known: %s)", name, strings.Join(Names, ", "))
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	r := Result{Check: name, Time: now()}
	switch {
	case env.Server == nil:
		r.Message = "no server to check"
	case ctx.Err() != nil:
		r.Server = env.Server.Metadata.Name
		r.Message = fmt.Sprintf("not run: %v", context.Cause(ctx))
	default:
		r.Server = env.Server.Metadata.Name
		r.Message, r.OK = runBounded(ctx, env, fn)
	}
	r.Duration = now().Sub(r.Time)
	return r, nil
}

// runBounded runs fn and gives up when ctx ends, even if fn does not honour ctx; a panic
// in fn becomes a failed result.
func runBounded(ctx context.Context, env Env, fn checkFunc) (string, bool) {
	type outcome struct {
		msg string
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: fmt.Errorf("internal error in the check: %v", p)}
			}
		}()
		msg, err := fn(ctx, env)
		done <- outcome{msg, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			return o.err.Error(), false
		}
		return o.msg, true
	case <-ctx.Done():
		return fmt.Sprintf("did not finish: %v", context.Cause(ctx)), false
	}
}
