package sqlsim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// settings are the SET options sqlplus output depends on.
type settings struct {
	pagesize  int
	feedback  bool
	heading   bool
	verify    bool
	define    bool
	trimout   bool
	numwidth  int
	colsep    string
	timing    bool
	autotrace bool
	// serveroutput prints what PL/SQL put with DBMS_OUTPUT after each block.
	serveroutput bool
}

func defaults() settings {
	return settings{pagesize: 14, feedback: true, heading: true, verify: true, define: true, trimout: true, numwidth: 10, colsep: " "}
}

// exitSpec is a WHENEVER ... EXIT action.
type exitSpec struct{ code string }

type session struct {
	h      host.Host
	out    io.Writer
	in     *bufio.Scanner
	user   string // "" when not connected
	sysdba bool
	// container is the session's container on a CDB (CDB$ROOT or the PDB), "" otherwise.
	container string
	set       settings
	onSQL     *exitSpec
	silent    bool
}

type exitNow struct{ code int }

// Run is `sqlplus ARGS` on the host at root: args exclude the program name. The script
// comes from stdin; the exit status is returned.
func Run(root string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &session{h: host.Host{Root: root}, out: stdout, set: defaults()}
	s.in = bufio.NewScanner(stdin)
	s.in.Buffer(make([]byte, 64<<10), 4<<20)
	var logon []string
	for _, a := range args {
		switch {
		case strings.EqualFold(a, "-S") || strings.EqualFold(a, "-SILENT"):
			s.silent = true
		case strings.EqualFold(a, "-L") || strings.EqualFold(a, "-NOLOGINTIME"):
		case strings.EqualFold(a, "-V") || strings.EqualFold(a, "-VERSION"):
			fmt.Fprint(stdout, "\nSQL*Plus: Release 19.0.0.0.0 - Production\nVersion 19.3.0.0.0\n\n")
			return 0
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stdout, "SP2-0306: Invalid option.\nUsage: SQLPLUS [ [<option>] [{logon | /nolog}] [<start>] ]\n")
			return 1
		default:
			logon = append(logon, a)
		}
	}
	if !s.silent {
		fmt.Fprint(stdout, "\nSQL*Plus: Release 19.0.0.0.0 - Production\n\nCopyright (c) 1982, 2019, Oracle.  All rights reserved.\n\n")
	}
	code, done := s.startLogon(strings.Join(logon, " "))
	if done {
		return code
	}
	return s.script()
}

// startLogon handles the logon argument; done is true when sqlplus must stop.
func (s *session) startLogon(arg string) (int, bool) {
	if arg == "" || strings.EqualFold(arg, "/nolog") {
		return 0, false
	}
	if err := s.connect(arg); err != nil {
		s.printConnectError(err)
		fmt.Fprintln(s.out, "SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus")
		return 1, true
	}
	s.glogin()
	return 0, false
}

// script reads and runs commands until EXIT or the end of input.
func (s *session) script() (code int) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitNow)
			if !ok {
				panic(r)
			}
			code = e.code
		}
	}()
	if c, exited := s.lines(); exited {
		return c
	}
	return 0
}

// lines runs the commands s.in holds; exited is true after EXIT.
func (s *session) lines() (code int, exited bool) {
	var buf []string
	mode := "" // "", "sql", "plsql"
	for s.in.Scan() {
		raw := s.in.Text()
		line := strings.TrimRight(raw, " \t\r")
		trim := strings.TrimSpace(line)
		switch mode {
		case "sql":
			switch {
			case trim == "":
				buf, mode = nil, ""
			case trim == "/":
				s.runBuffer(buf, false)
				buf, mode = nil, ""
			case strings.HasSuffix(trim, ";"):
				buf = append(buf, strings.TrimSuffix(line, ";"))
				s.runBuffer(buf, false)
				buf, mode = nil, ""
			default:
				buf = append(buf, line)
			}
			continue
		case "plsql":
			switch trim {
			case "/":
				s.runBuffer(buf, true)
				buf, mode = nil, ""
			case ".":
				buf, mode = nil, ""
			default:
				buf = append(buf, line)
			}
			continue
		}
		if trim == "" {
			continue
		}
		word := strings.ToUpper(strings.Fields(trim)[0])
		word = strings.TrimSuffix(word, ";")
		rest := strings.TrimSpace(trim[len(strings.Fields(trim)[0]):])
		switch word {
		case "REM", "REMARK", "COLUMN", "COL", "DEFINE", "DEF", "TTITLE", "BTITLE", "BREAK", "COMPUTE":
			// Formatting and substitution variables: no effect on what vaultkeeper reads.
		case "SET":
			s.setCmd(strings.TrimSuffix(rest, ";"))
		case "WHENEVER":
			s.whenever(strings.TrimSuffix(rest, ";"))
		case "CONNECT", "CONN":
			rest = s.substitute(strings.TrimSuffix(rest, ";"))
			s.user, s.sysdba = "", false
			if err := s.connect(rest); err != nil {
				s.printConnectError(err)
				s.sqlError(err)
			} else {
				s.glogin()
			}
		case "DISCONNECT", "DISC":
			s.user, s.sysdba = "", false
		case "PROMPT", "PRO":
			fmt.Fprintln(s.out, rest)
		case "EXIT", "QUIT":
			return exitCode(strings.Fields(strings.TrimSuffix(rest, ";")), 0), true
		case "/":
		case "BEGIN", "DECLARE":
			buf, mode = []string{line}, "plsql"
		case "SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER",
			"GRANT", "REVOKE", "TRUNCATE", "COMMIT", "ROLLBACK", "COMMENT", "RENAME":
			if strings.HasSuffix(trim, ";") {
				s.runBuffer([]string{strings.TrimSuffix(line, ";")}, false)
			} else {
				buf, mode = []string{line}, "sql"
			}
		default:
			if strings.HasPrefix(trim, "--") {
				continue
			}
			fmt.Fprintf(s.out, "SP2-0734: unknown command beginning \"%s...\" - rest of line ignored.\n", first(trim, 10))
		}
	}
	return 0, false
}

func first(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// exitCode maps EXIT's argument (Unix values) to a status.
func exitCode(args []string, sqlcode int) int {
	if len(args) == 0 {
		return 0
	}
	switch strings.ToUpper(args[0]) {
	case "SUCCESS", "COMMIT", "ROLLBACK":
		return 0
	case "FAILURE":
		return 1
	case "WARNING":
		return 2
	case "SQL.SQLCODE":
		return sqlcode % 256
	}
	var n int
	if _, err := fmt.Sscanf(args[0], "%d", &n); err == nil {
		return n % 256
	}
	return 0
}

// sqlError applies WHENEVER SQLERROR after a failed statement.
func (s *session) sqlError(err error) {
	if s.onSQL == nil {
		return
	}
	code := 1
	var oe *simdb.OraError
	if errors.As(err, &oe) {
		code = oe.Code
	}
	panic(exitNow{exitCode(strings.Fields(s.onSQL.code), code)})
}

func (s *session) whenever(rest string) {
	f := strings.Fields(strings.ToUpper(rest))
	if len(f) < 2 || (f[0] != "SQLERROR" && f[0] != "OSERROR") || (f[1] != "EXIT" && f[1] != "CONTINUE") {
		fmt.Fprintln(s.out, "SP2-0734: unknown command beginning \"WHENEVER ...\" - rest of line ignored.")
		return
	}
	if f[0] != "SQLERROR" {
		return
	}
	if f[1] == "CONTINUE" {
		s.onSQL = nil
		return
	}
	code := "SUCCESS" // like EXIT, WHENEVER SQLERROR EXIT alone exits 0
	if len(f) > 2 {
		code = f[2]
	}
	s.onSQL = &exitSpec{code: code}
}

// glogin runs the site profile after a successful CONNECT, as SQL*Plus does (10g onward):
// its SET commands change how everything after it prints, its PROMPTs and queries print.
func (s *session) glogin() {
	raw, err := os.ReadFile(s.h.Glogin())
	if err != nil {
		return
	}
	saved := s.in
	defer func() { s.in = saved }()
	s.in = bufio.NewScanner(strings.NewReader(string(raw)))
	if code, exited := s.lines(); exited {
		panic(exitNow{code})
	}
}
