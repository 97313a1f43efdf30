package sqlplus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// Config says how sqlplus is run.
type Config struct {
	// Path is the sqlplus program (default "sqlplus" on PATH).
	Path string
	// Env is added to sqlplus's environment (ORACLE_HOME, ORACLE_SID, TNS_ADMIN, NLS_LANG).
	Env []string
	// Log receives sqlplus's output lines at debug level.
	Log *slog.Logger
	// Container is the pluggable database to switch into after CONNECT / AS SYSDBA (which
	// lands in CDB$ROOT on a container database); "" for a non-CDB.
	Container string
}

// Driver is an oracle.Driver that runs sqlplus for every call.
type Driver struct{ cfg Config }

// New returns a Driver.
func New(cfg Config) *Driver {
	if cfg.Path == "" {
		cfg.Path = "sqlplus"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Driver{cfg: cfg}
}

// NewAdmin returns an oracle.Client over a sqlplus Driver.
func NewAdmin(cfg Config, opt oracle.Options) *oracle.Client { return oracle.New(New(cfg), opt) }

// SP2Error is a SQL*Plus error (not from the database).
type SP2Error struct {
	Code    int
	Message string
}

func (e *SP2Error) Error() string { return fmt.Sprintf("SP2-%04d: %s", e.Code, e.Message) }

// marker separates the answers of several queries in one script.
const marker = "@@VAULTKEEPER-NEXT@@"

const prelude = "SET DEFINE OFF\n" +
	"WHENEVER OSERROR EXIT FAILURE\n" +
	"WHENEVER SQLERROR EXIT SQL.SQLCODE\n" +
	settings

// settings are restated after every CONNECT: SQL*Plus runs glogin.sql (and login.sql)
// after each one, and site profiles commonly turn on TIMING, SERVEROUTPUT, AUTOTRACE,
// FEEDBACK, headings or a page size, which would change every answer.
const settings = "SET PAGESIZE 0 FEEDBACK OFF HEADING OFF VERIFY OFF ECHO OFF TAB OFF TRIMOUT ON LINESIZE 32767 NUMWIDTH 38 COLSEP '|'\n" +
	"SET TIMING OFF SERVEROUTPUT OFF AUTOTRACE OFF TERMOUT ON DEFINE OFF\n"

const sysdba = "CONNECT / AS SYSDBA\n" + settings

// Script returns the script for statements run as SYSDBA, each query preceded by a
// marker line (exported for tests and for reading in the run log).
func Script(stmts []sqlgen.Stmt) string {
	s, _ := ScriptIn("", stmts)
	return s
}

// ScriptIn is Script for a session switched into container pdb ("": none).
func ScriptIn(pdb string, stmts []sqlgen.Stmt) (string, error) {
	var b strings.Builder
	b.WriteString(prelude + sysdba)
	if pdb != "" {
		sw, err := sqlgen.SetContainer(pdb)
		if err != nil {
			return "", err
		}
		b.WriteString(sw.SQLPlus())
	}
	for _, s := range stmts {
		b.WriteString("PROMPT " + marker + "\n")
		b.WriteString(s.SQLPlus())
	}
	b.WriteString("EXIT\n")
	return b.String(), nil
}

// run runs script and returns the output lines; mask lists secrets in the script.
func (d *Driver) run(ctx context.Context, script string, mask ...string) ([]string, error) {
	var out bytes.Buffer
	_, err := toolrun.Run(ctx, toolrun.Cmd{
		Name:   "sqlplus",
		Argv:   []string{d.cfg.Path, "-S", "/nolog"},
		Env:    d.cfg.Env,
		Stdin:  strings.NewReader(script),
		Mask:   mask,
		Log:    d.cfg.Log,
		Level:  slog.LevelDebug,
		Output: &out,
	})
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	// Once a marker printed, the CONNECT worked: what came before it is glogin.sql's
	// output (prompts, queries, even its own errors) and is not ours to read.
	for i, l := range lines {
		if strings.TrimSpace(l) == marker {
			lines = lines[i:]
			break
		}
	}
	if perr := parseError(lines); perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, err
	}
	return lines, nil
}

var sp2RE = regexp.MustCompile(`^SP2-(\d{4}): ?(.*)`)

// parseError finds the first ORA- or SP2- message in the output.
func parseError(lines []string) error {
	for i, l := range lines {
		if oe := oracle.ParseOraError(l); oe != nil {
			// PLS- detail lines follow some ORA- messages (ORA-06550).
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "PLS-") {
				oe.Message += " " + strings.TrimSpace(lines[i+1])
			}
			return oe
		}
		if m := sp2RE.FindStringSubmatch(l); m != nil {
			var code int
			fmt.Sscanf(m[1], "%d", &code)
			return &SP2Error{Code: code, Message: strings.TrimSpace(m[2])}
		}
	}
	return nil
}

// split returns the rows after each marker.
func split(lines []string, n int) ([][][]string, error) {
	var out [][][]string
	for _, l := range lines {
		if strings.TrimSpace(l) == marker {
			out = append(out, [][]string{})
			continue
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("unexpected sqlplus output before the first statement: %q", l)
		}
		cells := strings.Split(l, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out[len(out)-1] = append(out[len(out)-1], cells)
	}
	if len(out) != n {
		return nil, fmt.Errorf("sqlplus answered %d of %d statements", len(out), n)
	}
	return out, nil
}

// Exec implements oracle.Driver.
func (d *Driver) Exec(ctx context.Context, s sqlgen.Stmt) error {
	res, err := d.QueryMany(ctx, []sqlgen.Stmt{s})
	if err != nil {
		return err
	}
	if len(res[0]) != 0 {
		return fmt.Errorf("statement printed unexpected output: %q", res[0])
	}
	return nil
}

// Query implements oracle.Driver.
func (d *Driver) Query(ctx context.Context, s sqlgen.Stmt) ([][]string, error) {
	res, err := d.QueryMany(ctx, []sqlgen.Stmt{s})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// QueryMany implements oracle.Driver: one sqlplus run for all statements.
func (d *Driver) QueryMany(ctx context.Context, ss []sqlgen.Stmt) ([][][]string, error) {
	var mask []string // SQL*Plus echoes a failing statement: its secrets must not reach logs or errors
	for _, s := range ss {
		mask = append(mask, s.Mask...)
	}
	script, err := ScriptIn(d.cfg.Container, ss)
	if err != nil {
		return nil, err
	}
	lines, err := d.run(ctx, script, mask...)
	if err != nil {
		return nil, err
	}
	return split(lines, len(ss))
}

// LoginScript returns the script Login runs (it holds the password).
func LoginScript(descriptor, user, password string) (string, error) {
	u, err := sqlgen.Name(user)
	if err != nil {
		return "", err
	}
	pw, err := sqlgen.Password(password)
	if err != nil {
		return "", err
	}
	descriptor = strings.TrimSpace(descriptor)
	if descriptor == "" || strings.ContainsAny(descriptor, "\r\n\"") {
		return "", fmt.Errorf("connect identifier %q: want a tnsnames alias or a one-line descriptor", descriptor)
	}
	return prelude + "CONNECT " + u + "/" + pw + "@" + descriptor + "\n" + settings + "PROMPT " + marker + "\nSELECT 1 FROM DUAL;\nEXIT\n", nil
}

// Login implements oracle.Driver.
func (d *Driver) Login(ctx context.Context, descriptor, user, password string) error {
	script, err := LoginScript(descriptor, user, password)
	if err != nil {
		return err
	}
	lines, err := d.run(ctx, script, password)
	if err != nil {
		return err
	}
	res, err := split(lines, 1)
	if err != nil {
		return err
	}
	if len(res[0]) != 1 || len(res[0][0]) != 1 || res[0][0][0] != "1" {
		return errors.New("logged on, but SELECT 1 FROM DUAL did not answer 1")
	}
	return nil
}

// Close implements oracle.Driver.
func (d *Driver) Close() error { return nil }
