package oracle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Defaults for Options.
const (
	DefaultCallTimeout  = 10 * time.Minute
	DefaultDropAttempts = 3
	DefaultDropBackoff  = 2 * time.Second
)

// Options tune a Client.
type Options struct {
	// CallTimeout limits each Admin call (default DefaultCallTimeout).
	CallTimeout time.Duration
	// DropAttempts bounds DROP USER attempts while the user is connected (default 3).
	DropAttempts int
	// DropBackoff is the pause before a retried DROP USER (default 2s).
	DropBackoff time.Duration
	// Log receives one line per administrative action (never a password).
	Log *slog.Logger
}

// Client implements Admin over a Driver.
type Client struct {
	d   Driver
	opt Options
}

var _ Admin = (*Client)(nil)

// New returns an Admin that runs its statements through d.
func New(d Driver, opt Options) *Client {
	if opt.CallTimeout <= 0 {
		opt.CallTimeout = DefaultCallTimeout
	}
	if opt.DropAttempts <= 0 {
		opt.DropAttempts = DefaultDropAttempts
	}
	if opt.DropBackoff < 0 {
		opt.DropBackoff = 0
	} else if opt.DropBackoff == 0 {
		opt.DropBackoff = DefaultDropBackoff
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Client{d: d, opt: opt}
}

func (c *Client) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.opt.CallTimeout)
}

func (c *Client) exec(ctx context.Context, s sqlgen.Stmt) error {
	ctx, cancel := c.call(ctx)
	defer cancel()
	return c.d.Exec(ctx, s)
}

func (c *Client) query(ctx context.Context, s sqlgen.Stmt) ([][]string, error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	return c.d.Query(ctx, s)
}

// Ping implements Admin.
func (c *Client) Ping(ctx context.Context) error {
	rows, err := c.query(ctx, sqlgen.Ping())
	if err != nil {
		return fmt.Errorf("ping Oracle: %w", err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 || strings.TrimSpace(rows[0][0]) != "1" {
		return fmt.Errorf("ping Oracle: unexpected answer %q", rows)
	}
	return nil
}

// Login implements Admin.
func (c *Client) Login(ctx context.Context, descriptor, user, password string) error {
	if _, err := sqlgen.Name(user); err != nil {
		return fmt.Errorf("log on: %w", err)
	}
	ctx, cancel := c.call(ctx)
	defer cancel()
	if err := c.d.Login(ctx, descriptor, user, password); err != nil {
		return fmt.Errorf("log on as %s: %w", strings.ToUpper(user), err)
	}
	return nil
}

func (c *Client) count(ctx context.Context, what string, s sqlgen.Stmt, err error) (int64, error) {
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	rows, err := c.query(ctx, s)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		return 0, fmt.Errorf("%s: want one number, got %q", what, rows)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(rows[0][0]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// UserExists implements Admin.
func (c *Client) UserExists(ctx context.Context, user string) (bool, error) {
	s, err := sqlgen.UserExists(user)
	n, err := c.count(ctx, fmt.Sprintf("does user %q exist", user), s, err)
	return n > 0, err
}

// HasRole implements Admin.
func (c *Client) HasRole(ctx context.Context, user, role string) (bool, error) {
	s, err := sqlgen.HasRole(user, role)
	n, err := c.count(ctx, fmt.Sprintf("has %q role %q", user, role), s, err)
	return n > 0, err
}

// CreateUser implements Admin.
func (c *Client) CreateUser(ctx context.Context, user, password, tablespace string) error {
	s, err := sqlgen.CreateUser(user, password, tablespace)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("create user %q (tablespace %q): %w", user, tablespace, err)
	}
	c.opt.Log.Info("created Oracle user", "user", strings.ToUpper(user), "tablespace", strings.ToUpper(tablespace))
	return nil
}

// Grant implements Admin.
func (c *Client) Grant(ctx context.Context, user string, privs ...sqlgen.Privilege) error {
	s, err := sqlgen.Grant(user, privs...)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("grant %v to %q: %w", privs, user, err)
	}
	c.opt.Log.Info("granted", "user", strings.ToUpper(user), "privileges", privs)
	return nil
}

// Revoke implements Admin.
func (c *Client) Revoke(ctx context.Context, user string, privs ...sqlgen.Privilege) error {
	s, err := sqlgen.Revoke(user, privs...)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("revoke %v from %q: %w", privs, user, err)
	}
	c.opt.Log.Info("revoked", "user", strings.ToUpper(user), "privileges", privs)
	return nil
}

// DropUserCascade implements Admin: ORA-01918 means done; ORA-01940 locks the account,
// ends its sessions and retries, at most DropAttempts times. If it gives up, it unlocks
// the account again so the application is left as it was.
func (c *Client) DropUserCascade(ctx context.Context, user string) error {
	drop, err := sqlgen.DropUserCascade(user)
	if err != nil {
		return fmt.Errorf("drop user %q: %w", user, err)
	}
	lock, _ := sqlgen.LockUser(user, true)
	kill, _ := sqlgen.KillSessions(user)
	locked := false
	for attempt := 1; ; attempt++ {
		err := c.exec(ctx, drop)
		switch {
		case err == nil:
			c.opt.Log.Info("dropped Oracle user", "user", strings.ToUpper(user), "attempt", attempt)
			return nil
		case Code(err) == ErrUserNotExist:
			c.opt.Log.Info("Oracle user already absent", "user", strings.ToUpper(user))
			return nil
		case Code(err) != ErrUserConnected:
			return c.giveUp(ctx, user, locked, fmt.Errorf("drop user %q: %w", user, err))
		case attempt >= c.opt.DropAttempts:
			return c.giveUp(ctx, user, locked, fmt.Errorf("drop user %q: still connected after %d attempts: %w", user, attempt, err))
		}
		c.opt.Log.Warn("Oracle user is connected: locking it and ending its sessions", "user", strings.ToUpper(user), "attempt", attempt)
		if !locked {
			if err := c.exec(ctx, lock); err != nil && Code(err) != ErrUserNotExist {
				return fmt.Errorf("drop user %q: lock account: %w", user, err)
			}
			locked = true
		}
		if err := c.exec(ctx, kill); err != nil {
			return c.giveUp(ctx, user, locked, fmt.Errorf("drop user %q: end sessions: %w", user, err))
		}
		if c.opt.DropBackoff > 0 {
			t := time.NewTimer(c.opt.DropBackoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return c.giveUp(ctx, user, locked, fmt.Errorf("drop user %q: %w", user, ctx.Err()))
			case <-t.C:
			}
		}
	}
}

// giveUp unlocks an account DropUserCascade locked, and returns err (with any unlock failure).
func (c *Client) giveUp(ctx context.Context, user string, locked bool, err error) error {
	if !locked {
		return err
	}
	unlock, _ := sqlgen.LockUser(user, false)
	// The caller's ctx may be done; the unlock still deserves its own short chance.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(c.opt.CallTimeout, time.Minute))
	defer cancel()
	if uerr := c.d.Exec(uctx, unlock); uerr != nil && Code(uerr) != ErrUserNotExist {
		return errors.Join(err, fmt.Errorf("unlock %q again: %w", user, uerr))
	}
	return err
}

// ObjectCounts implements Admin.
func (c *Client) ObjectCounts(ctx context.Context, schema string) (map[string]int, error) {
	s, err := sqlgen.ObjectCounts(schema)
	if err != nil {
		return nil, fmt.Errorf("count objects of %q: %w", schema, err)
	}
	rows, err := c.query(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("count objects of %q: %w", schema, err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		if len(r) != 2 {
			return nil, fmt.Errorf("count objects of %q: want 2 columns, got %q", schema, r)
		}
		n, err := strconv.Atoi(strings.TrimSpace(r[1]))
		if err != nil {
			return nil, fmt.Errorf("count objects of %q: type %q: %w", schema, r[0], err)
		}
		out[strings.TrimSpace(r[0])] = n
	}
	return out, nil
}

// RowCounts implements Admin: it lists the tables, then counts each on one connection.
func (c *Client) RowCounts(ctx context.Context, schema string) (map[string]int64, error) {
	list, err := sqlgen.ListTables(schema)
	if err != nil {
		return nil, fmt.Errorf("count rows of %q: %w", schema, err)
	}
	rows, err := c.query(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("count rows of %q: list tables: %w", schema, err)
	}
	out := make(map[string]int64, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	names := make([]string, 0, len(rows))
	stmts := make([]sqlgen.Stmt, 0, len(rows))
	for _, r := range rows {
		if len(r) != 1 {
			return nil, fmt.Errorf("count rows of %q: want 1 column, got %q", schema, r)
		}
		s, err := sqlgen.CountRows(schema, r[0])
		if err != nil {
			return nil, fmt.Errorf("count rows of %q: %w", schema, err)
		}
		names = append(names, r[0])
		stmts = append(stmts, s)
	}
	qctx, cancel := c.call(ctx)
	defer cancel()
	results, err := c.d.QueryMany(qctx, stmts)
	if err != nil {
		return nil, fmt.Errorf("count rows of %q: %w", schema, err)
	}
	if len(results) != len(names) {
		return nil, fmt.Errorf("count rows of %q: %d answers for %d tables", schema, len(results), len(names))
	}
	for i, res := range results {
		if len(res) != 1 || len(res[0]) != 1 {
			return nil, fmt.Errorf("count rows of %q.%q: want one number, got %q", schema, names[i], res)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(res[0][0]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("count rows of %q.%q: %w", schema, names[i], err)
		}
		out[names[i]] = n
	}
	return out, nil
}

// Close implements Admin.
func (c *Client) Close() error { return c.d.Close() }

// column reads the first column of every row of s.
func (c *Client) column(ctx context.Context, what string, s sqlgen.Stmt, err error) ([]string, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	rows, err := c.query(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if len(r) != 1 {
			return nil, fmt.Errorf("%s: want 1 column, got %q", what, r)
		}
		if v := strings.TrimSpace(r[0]); v != "" {
			out = append(out, v)
		}
	}
	return out, nil
}

// SchemaTablespaces implements Admin.
func (c *Client) SchemaTablespaces(ctx context.Context, schema string) ([]string, error) {
	s, err := sqlgen.SchemaTablespaces(schema)
	return c.column(ctx, fmt.Sprintf("tablespaces of %q", schema), s, err)
}

// GrantQuota implements Admin.
func (c *Client) GrantQuota(ctx context.Context, user, tablespace string) error {
	s, err := sqlgen.QuotaUnlimited(user, tablespace)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("quota on %q for %q: %w", tablespace, user, err)
	}
	c.opt.Log.Info("granted quota", "user", strings.ToUpper(user), "tablespace", strings.ToUpper(tablespace))
	return nil
}

// NoQuota implements Admin: of tablespaces, those user can allocate nothing in (neither
// UNLIMITED TABLESPACE nor a quota with room there).
func (c *Client) NoQuota(ctx context.Context, user string, tablespaces []string) ([]string, error) {
	s, err := sqlgen.HasUnlimitedTablespace(user)
	n, err := c.count(ctx, fmt.Sprintf("does %q hold UNLIMITED TABLESPACE", user), s, err)
	if err != nil || n > 0 {
		return nil, err
	}
	q, err := sqlgen.QuotaTablespaces(user)
	have, err := c.column(ctx, fmt.Sprintf("quotas of %q", user), q, err)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, ts := range tablespaces {
		ok := false
		for _, h := range have {
			ok = ok || strings.EqualFold(h, ts)
		}
		if !ok {
			missing = append(missing, strings.ToUpper(ts))
		}
	}
	return missing, nil
}

// InvalidCount implements Admin.
func (c *Client) InvalidCount(ctx context.Context, schema string) (int, error) {
	s, err := sqlgen.InvalidCount(schema)
	n, err := c.count(ctx, fmt.Sprintf("invalid objects of %q", schema), s, err)
	return int(n), err
}

// CompileSchema implements Admin.
func (c *Client) CompileSchema(ctx context.Context, schema string) error {
	s, err := sqlgen.CompileSchema(schema)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("recompile schema %q: %w", schema, err)
	}
	c.opt.Log.Info("recompiled invalid objects", "schema", strings.ToUpper(schema))
	return nil
}

// ErrPreflight is wrapped by Preflight's refusals.
var ErrPreflight = errors.New("preflight refused")

// Preflight proves, before anything destructive, that the administrative session is
// where the schema lives: in container pdb when one is given (CON_NAME), and that schema
// exists there. On a container database without pdb, the session sits in CDB$ROOT where
// DROP USER of the application's local user answers ORA-01918 as if it were gone.
//
// Without pdb, a session that reports CDB$ROOT as its container is refused too; a database
// without CON_NAME (11.2: ORA-02003) is not multitenant. mustExist false (a re-run after a
// restore that already dropped the schema) proves the container only.
func (c *Client) Preflight(ctx context.Context, schema, pdb string, mustExist bool) error {
	where := "the database"
	rows, err := c.query(ctx, sqlgen.ContainerName())
	con := ""
	switch {
	case err != nil && pdb == "" && Code(err) == 2003:
		// 11.2 has no containers.
	case err != nil:
		return fmt.Errorf("preflight: container of the admin session: %w", err)
	case len(rows) != 1 || len(rows[0]) != 1:
		return fmt.Errorf("preflight: container of the admin session: unexpected answer %q", rows)
	default:
		con = strings.TrimSpace(rows[0][0])
	}
	switch {
	case pdb != "" && !strings.EqualFold(con, pdb):
		return fmt.Errorf("%w: the admin session is in container %s, spec.oracle.pdb is %s", ErrPreflight, con, strings.ToUpper(pdb))
	case pdb == "" && strings.EqualFold(con, "CDB$ROOT"):
		return fmt.Errorf("%w: the admin session is in CDB$ROOT of a container database, where %s cannot exist as a local user: set spec.oracle.pdb", ErrPreflight, strings.ToUpper(schema))
	case pdb != "":
		where = "container " + strings.ToUpper(pdb)
	}
	if !mustExist {
		return nil
	}
	ok, err := c.UserExists(ctx, schema)
	if err != nil {
		return fmt.Errorf("preflight: %w", err)
	}
	if !ok {
		return fmt.Errorf("%w: schema %s does not exist in %s (on a multitenant database, set spec.oracle.pdb to the PDB holding it)", ErrPreflight, strings.ToUpper(schema), where)
	}
	return nil
}

var charsetRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,29}$`)

// DatabaseCharset implements Admin: the database character set, for NLS_LANG.
func (c *Client) DatabaseCharset(ctx context.Context) (string, error) {
	rows, err := c.column(ctx, "database character set", sqlgen.DatabaseCharset(), nil)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || !charsetRE.MatchString(strings.ToUpper(rows[0])) {
		return "", fmt.Errorf("database character set: unexpected answer %q", rows)
	}
	return strings.ToUpper(rows[0]), nil
}

// NLSLang is the NLS_LANG every Oracle client tool runs with: American messages (the log
// policy reads codes, and the final lines it quotes stay English) and the database's own
// character set, so exp neither converts nor prints "possible charset conversion".
func NLSLang(charset string) string { return "NLS_LANG=AMERICAN_AMERICA." + charset }

// GrantDirectory implements Admin.
func (c *Client) GrantDirectory(ctx context.Context, user, dir string) error {
	s, err := sqlgen.GrantDirectory(user, dir)
	if err == nil {
		err = c.exec(ctx, s)
	}
	if err != nil {
		return fmt.Errorf("grant read, write on directory %q to %q: %w", dir, user, err)
	}
	c.opt.Log.Info("granted directory", "user", strings.ToUpper(user), "directory", strings.ToUpper(dir))
	return nil
}

// CheckDirectory implements Admin: an error unless user holds READ and WRITE on dir.
func (c *Client) CheckDirectory(ctx context.Context, user, dir string) error {
	s, err := sqlgen.DirectoryGrants(user, dir)
	n, err := c.count(ctx, fmt.Sprintf("grants of %q on directory %q", user, dir), s, err)
	if err != nil {
		return err
	}
	if n < 2 {
		return fmt.Errorf("%s lacks READ, WRITE on directory %s: expdp/impdp would fail with ORA-39002, ORA-39070, ORA-39087", strings.ToUpper(user), strings.ToUpper(dir))
	}
	return nil
}

// SessionCount counts the sessions of user (V$SESSION).
func (c *Client) SessionCount(ctx context.Context, user string) (int, error) {
	s, err := sqlgen.CountSessions(user)
	n, err := c.count(ctx, fmt.Sprintf("sessions of %q", user), s, err)
	return int(n), err
}

// DefaultTablespace implements Admin.
func (c *Client) DefaultTablespace(ctx context.Context, user string) (string, error) {
	s, err := sqlgen.DefaultTablespace(user)
	rows, err := c.column(ctx, fmt.Sprintf("default tablespace of %q", user), s, err)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 {
		return "", fmt.Errorf("default tablespace of %q: user not found", user)
	}
	return strings.ToUpper(rows[0]), nil
}
