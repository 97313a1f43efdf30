package goora

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
	"github.com/sijms/go-ora/v2/network"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Target says where the database is: Descriptor, or Host+Port+Service.
type Target struct {
	// Descriptor is a one-line "(DESCRIPTION=…)" connect descriptor.
	Descriptor string
	// Host, Port and Service are used when Descriptor is empty.
	Host    string
	Port    int
	Service string
}

// Config is an administrative connection.
type Config struct {
	Target
	User     string
	Password string
	// SysDBA connects with the SYSDBA privilege.
	SysDBA bool
	// CallTimeout is the longest call; the socket timeout is set above it (default 10m).
	CallTimeout time.Duration
}

// socketTimeout returns go-ora's TIMEOUT option (seconds) for calls up to call long.
func socketTimeout(call time.Duration) string {
	if call <= 0 {
		call = oracle.DefaultCallTimeout
	}
	return strconv.Itoa(int((call + time.Minute).Seconds()))
}

// URL builds the go-ora URL for user/password at t. It holds the password: never log it.
func URL(t Target, user, password string, sysdba bool, call time.Duration) (string, error) {
	opts := map[string]string{"TIMEOUT": socketTimeout(call)}
	if sysdba {
		opts["DBA PRIVILEGE"] = "SYSDBA"
	}
	d := strings.TrimSpace(t.Descriptor)
	switch {
	case d != "":
		if !strings.HasPrefix(d, "(") {
			return "", fmt.Errorf("connect descriptor %q: want a (DESCRIPTION=…) from tnsnames.ora", d)
		}
		return go_ora.BuildJDBC(user, password, d, opts), nil
	case t.Host != "" && t.Service != "":
		port := t.Port
		if port == 0 {
			port = 1521
		}
		return go_ora.BuildUrl(t.Host, port, t.Service, user, password, opts), nil
	}
	return "", errors.New("no connect descriptor and no host/service")
}

// Driver is an oracle.Driver over one *sql.DB.
type Driver struct {
	db   *sql.DB
	call time.Duration
}

// Open returns a Driver for cfg; it does not connect until the first call.
func Open(cfg Config) (*Driver, error) {
	u, err := URL(cfg.Target, cfg.User, cfg.Password, cfg.SysDBA, cfg.CallTimeout)
	if err != nil {
		return nil, fmt.Errorf("oracle admin %s: %w", strings.ToUpper(cfg.User), err)
	}
	db, err := sql.Open("oracle", u)
	if err != nil {
		return nil, fmt.Errorf("oracle admin %s: %w", strings.ToUpper(cfg.User), oraErr(err, cfg.Password))
	}
	db.SetMaxOpenConns(2)
	db.SetConnMaxIdleTime(time.Minute)
	return &Driver{db: db, call: cfg.CallTimeout}, nil
}

// NewAdmin opens a Driver and wraps it in an oracle.Client.
func NewAdmin(cfg Config, opt oracle.Options) (*oracle.Client, error) {
	d, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	if opt.CallTimeout == 0 {
		opt.CallTimeout = cfg.CallTimeout
	}
	return oracle.New(d, opt), nil
}

// oraErr turns go-ora's *network.OracleError into *oracle.OraError and removes secrets
// from any other error text.
func oraErr(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ne *network.OracleError
	if errors.As(err, &ne) {
		msg := ne.ErrMsg
		if p := oracle.ParseOraError(msg); p != nil {
			return p
		}
		return &oracle.OraError{Code: ne.ErrCode, Message: redact(msg, secrets)}
	}
	if p := oracle.ParseOraError(err.Error()); p != nil {
		p.Message = redact(p.Message, secrets)
		return p
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			return errors.New(redact(err.Error(), secrets))
		}
	}
	return err
}

func redact(s string, secrets []string) string {
	for _, x := range secrets {
		if x != "" {
			s = strings.ReplaceAll(s, x, "***")
		}
	}
	return s
}

// Exec implements oracle.Driver.
func (d *Driver) Exec(ctx context.Context, s sqlgen.Stmt) error {
	_, err := d.db.ExecContext(ctx, s.SQL)
	return oraErr(err)
}

// Query implements oracle.Driver. A block answering through DBMS_OUTPUT (s.Output) runs
// on one pinned connection and its lines are read back with DBMS_OUTPUT.GET_LINE.
func (d *Driver) Query(ctx context.Context, s sqlgen.Stmt) ([][]string, error) {
	if s.Output {
		return outputLines(ctx, d.db, s)
	}
	return query(ctx, d.db, s)
}

func outputLines(ctx context.Context, db *sql.DB, s sqlgen.Stmt) ([][]string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, oraErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DBMS_OUTPUT.ENABLE(NULL); END;"); err != nil {
		return nil, oraErr(err)
	}
	if _, err := conn.ExecContext(ctx, s.SQL); err != nil {
		return nil, oraErr(err)
	}
	var out [][]string
	for {
		var line sql.NullString
		var status int64
		// DBMS_OUTPUT lines are at most 32767 bytes; go-ora needs the size of a string out bind.
		if _, err := conn.ExecContext(ctx, "BEGIN DBMS_OUTPUT.GET_LINE(:1, :2); END;",
			go_ora.Out{Dest: &line, Size: 32767}, go_ora.Out{Dest: &status}); err != nil {
			return nil, oraErr(err)
		}
		if status != 0 {
			return out, nil
		}
		if strings.TrimSpace(line.String) == "" {
			continue
		}
		cells := strings.Split(line.String, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out = append(out, cells)
	}
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func query(ctx context.Context, q queryer, s sqlgen.Stmt) ([][]string, error) {
	rows, err := q.QueryContext(ctx, s.SQL)
	if err != nil {
		return nil, oraErr(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, oraErr(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, oraErr(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, oraErr(rows.Err())
}

// QueryMany implements oracle.Driver on one pinned connection.
func (d *Driver) QueryMany(ctx context.Context, ss []sqlgen.Stmt) ([][][]string, error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, oraErr(err)
	}
	defer conn.Close()
	out := make([][][]string, 0, len(ss))
	for _, s := range ss {
		r, err := query(ctx, conn, s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Login implements oracle.Driver: a separate connection as user, pinged and closed.
func (d *Driver) Login(ctx context.Context, descriptor, user, password string) error {
	u, err := URL(Target{Descriptor: descriptor}, user, password, false, d.call)
	if err != nil {
		return err
	}
	db, err := sql.Open("oracle", u)
	if err != nil {
		return oraErr(err, password)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return oraErr(db.PingContext(ctx), password)
}

// Close implements oracle.Driver.
func (d *Driver) Close() error { return d.db.Close() }

var serviceNameRE = regexp.MustCompile(`(?i)\(\s*SERVICE_NAME\s*=\s*[^)]*\)`)

// InPDB returns t aimed at the pluggable database pdb: its default service has the PDB's
// name, so a descriptor's SERVICE_NAME (or the Service) is replaced by it, and a SID
// becomes that SERVICE_NAME. pdb "" returns t unchanged.
func InPDB(t Target, pdb string) Target {
	if pdb == "" {
		return t
	}
	if t.Descriptor == "" {
		t.Service = pdb
		return t
	}
	svc := "(SERVICE_NAME=" + pdb + ")"
	switch {
	case serviceNameRE.MatchString(t.Descriptor):
		t.Descriptor = serviceNameRE.ReplaceAllLiteralString(t.Descriptor, svc)
	case sidRE.MatchString(t.Descriptor):
		t.Descriptor = sidRE.ReplaceAllLiteralString(t.Descriptor, svc)
	}
	return t
}

var sidRE = regexp.MustCompile(`(?i)\(\s*SID\s*=\s*[^)]*\)`)
