package sqlsim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// setCmd applies SET OPTION VALUE [OPTION VALUE ...].
func (s *session) setCmd(rest string) {
	f := splitSet(rest)
	for i := 0; i < len(f); i++ {
		opt := strings.ToUpper(f[i])
		val := ""
		if i+1 < len(f) {
			val = f[i+1]
		}
		on := strings.EqualFold(val, "ON")
		onOff := on || strings.EqualFold(val, "OFF")
		num, numErr := strconv.Atoi(val)
		switch opt {
		case "PAGESIZE", "PAGES":
			if numErr != nil {
				fmt.Fprintf(s.out, "SP2-0268: pagesize option not a valid number\n")
				return
			}
			s.set.pagesize = num
		case "LINESIZE", "LIN", "LONG", "ARRAYSIZE":
			if numErr != nil {
				fmt.Fprintf(s.out, "SP2-0268: %s option not a valid number\n", strings.ToLower(opt))
				return
			}
		case "NUMWIDTH", "NUM":
			if numErr != nil || num < 2 {
				fmt.Fprintf(s.out, "SP2-0268: numwidth option not a valid number\n")
				return
			}
			s.set.numwidth = num
		case "FEEDBACK", "FEED", "HEADING", "HEA", "VERIFY", "VER", "DEFINE", "DEF", "TRIMOUT", "TRIMS", "TRIMSPOOL",
			"ECHO", "TAB", "TERMOUT", "TERM", "SERVEROUTPUT", "SERVEROUT", "TIMING", "SQLBLANKLINES":
			if !onOff {
				fmt.Fprintf(s.out, "SP2-0265: %s must be set ON or OFF\n", strings.ToLower(opt))
				return
			}
			switch opt {
			case "FEEDBACK", "FEED":
				s.set.feedback = on
			case "HEADING", "HEA":
				s.set.heading = on
			case "VERIFY", "VER":
				s.set.verify = on
			case "DEFINE", "DEF":
				s.set.define = on
			case "TRIMOUT":
				s.set.trimout = on
			case "TIMING":
				s.set.timing = on
			case "SERVEROUTPUT", "SERVEROUT":
				// SET SERVEROUTPUT ON [SIZE {n|UNLIMITED}] [FORMAT …]
				s.set.serveroutput = on
				for i+3 < len(f) && (strings.EqualFold(f[i+2], "SIZE") || strings.EqualFold(f[i+2], "FORMAT") || strings.EqualFold(f[i+2], "FOR")) {
					i += 2
				}
			}
		case "SQLPROMPT", "SQLP", "EDITFILE", "NULL", "SQLTERMINATOR":
			// String options: no effect on a -S session's output.
		case "AUTOTRACE", "AUTOT":
			// ON, OFF, TRACE[ONLY], optionally followed by EXP[LAIN] / STAT[ISTICS].
			s.set.autotrace = !strings.EqualFold(val, "OFF")
			for i+2 < len(f) && (strings.HasPrefix(strings.ToUpper(f[i+2]), "EXP") || strings.HasPrefix(strings.ToUpper(f[i+2]), "STAT")) {
				i++
			}
		case "COLSEP":
			s.set.colsep = strings.Trim(val, `'"`)
		default:
			fmt.Fprintf(s.out, "SP2-0158: unknown SET option \"%s\"\n", f[i])
			return
		}
		i++
	}
}

// splitSet splits a SET line into words, keeping quoted values whole.
func splitSet(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '\'' || s[0] == '"' {
			end := strings.IndexByte(s[1:], s[0])
			if end >= 0 {
				out = append(out, s[:end+2])
				s = s[end+2:]
				continue
			}
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// runBuffer runs a statement and prints its result or error.
func (s *session) runBuffer(lines []string, plsql bool) {
	text := s.substitute(strings.Join(lines, "\n"))
	if s.user == "" && !s.sysdba {
		fmt.Fprintln(s.out, "SP2-0640: Not connected")
		return
	}
	res, err := s.execSQL(text, plsql)
	if err != nil {
		firstLine := strings.SplitN(strings.TrimSpace(text), "\n", 2)[0]
		fmt.Fprintf(s.out, "%s\n*\nERROR at line 1:\n", firstLine)
		var oe *simdb.OraError
		if errors.As(err, &oe) {
			fmt.Fprintln(s.out, oe.Error())
		} else {
			fmt.Fprintln(s.out, err)
		}
		if plsql {
			fmt.Fprintln(s.out, "ORA-06512: at line 7")
		}
		fmt.Fprintln(s.out)
		s.sqlError(err)
		s.elapsed()
		return
	}
	s.print(res)
	if s.set.autotrace && res.cols != nil {
		fmt.Fprint(s.out, "\nExecution Plan\n----------------------------------------------------------\nPlan hash value: 1388734953\n\n"+
			"Statistics\n----------------------------------------------------------\n          0  recursive calls\n          0  db block gets\n\n")
	}
	s.elapsed()
}

// elapsed prints the TIMING line after a statement.
func (s *session) elapsed() {
	if s.set.timing {
		fmt.Fprintln(s.out, "Elapsed: 00:00:00.01")
	}
}

func (s *session) print(res result) {
	if s.set.serveroutput {
		for _, l := range res.output {
			fmt.Fprintln(s.out, l)
		}
	}
	if res.cols == nil {
		if s.set.feedback && res.feedback != "" {
			fmt.Fprintf(s.out, "\n%s\n\n", res.feedback)
		}
		return
	}
	if len(res.rows) == 0 {
		if s.set.feedback {
			fmt.Fprint(s.out, "\nno rows selected\n\n")
		}
		return
	}
	width := func(c column) int {
		if c.number {
			return s.set.numwidth
		}
		return max(c.width, len(c.name))
	}
	cell := func(c column, v string) string {
		w := width(c)
		if c.number {
			if len(v) > w {
				return strings.Repeat("#", w)
			}
			return strings.Repeat(" ", w-len(v)) + v
		}
		return v + strings.Repeat(" ", max(0, w-len(v)))
	}
	line := func(cells []string) {
		l := strings.Join(cells, s.set.colsep)
		if s.set.trimout {
			l = strings.TrimRight(l, " ")
		}
		fmt.Fprintln(s.out, l)
	}
	if s.set.heading && s.set.pagesize > 0 {
		fmt.Fprintln(s.out)
		var names, dashes []string
		for _, c := range res.cols {
			n := c.name
			if c.number {
				n = strings.Repeat(" ", max(0, width(c)-len(n))) + n
			} else {
				n += strings.Repeat(" ", max(0, width(c)-len(n)))
			}
			names = append(names, n)
			dashes = append(dashes, strings.Repeat("-", width(c)))
		}
		line(names)
		line(dashes)
	}
	for _, r := range res.rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = cell(res.cols[i], v)
		}
		line(cells)
	}
	if s.set.feedback && len(res.rows) >= 6 {
		fmt.Fprintf(s.out, "\n%d rows selected.\n\n", len(res.rows))
	} else if s.set.heading && s.set.pagesize > 0 {
		fmt.Fprintln(s.out)
	}
}
