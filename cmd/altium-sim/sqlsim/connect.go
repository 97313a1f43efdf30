package sqlsim

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// logon is a parsed CONNECT argument.
type logon struct {
	user, password, ident string
	sysdba, os            bool
}

var asSysdba = regexp.MustCompile(`(?i)\s+AS\s+SYSDBA$`)

// parseLogon parses USER[/PASSWORD][@IDENT] [AS SYSDBA], "/ AS SYSDBA", with the user
// and the password optionally double-quoted. ok is false for a malformed one.
func parseLogon(arg string) (l logon, ok bool) {
	arg = strings.TrimSpace(arg)
	if loc := asSysdba.FindStringIndex(arg); loc != nil {
		l.sysdba = true
		arg = strings.TrimSpace(arg[:loc[0]])
	}
	if arg == "/" {
		l.os = true
		return l, true
	}
	takeQuoted := func(s string) (string, string, bool) {
		if !strings.HasPrefix(s, `"`) {
			return "", s, false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", s, false
		}
		return s[1 : 1+end], s[end+2:], true
	}
	if q, rest, isQ := takeQuoted(arg); isQ {
		l.user, arg = q, rest
	} else {
		i := strings.IndexAny(arg, "/@")
		if i < 0 {
			i = len(arg)
		}
		l.user, arg = strings.ToUpper(arg[:i]), arg[i:]
	}
	if strings.HasPrefix(arg, "/") {
		arg = arg[1:]
		if q, rest, isQ := takeQuoted(arg); isQ {
			l.password, arg = q, rest
		} else if strings.HasPrefix(arg, `"`) {
			return l, false
		} else {
			i := strings.IndexByte(arg, '@')
			if i < 0 {
				i = len(arg)
			}
			l.password, arg = arg[:i], arg[i:]
		}
	}
	if strings.HasPrefix(arg, "@") {
		l.ident = strings.TrimSpace(arg[1:])
		arg = ""
	}
	return l, arg == "" && l.user != ""
}

// connect logs on; on failure the session stays disconnected.
func (s *session) connect(arg string) error {
	l, ok := parseLogon(arg)
	if !ok {
		return errUsage
	}
	if l.os {
		if !l.sysdba {
			return oraErr(1017, "invalid username/password; logon denied")
		}
		s.user, s.sysdba, s.container = "SYS", true, ""
		if db, err := simdb.Open(s.h.Root); err == nil {
			if db.CDB() {
				s.container = simdb.Root // bequeath / AS SYSDBA lands in the root
			}
			db.Close()
		}
		return nil
	}
	if l.password == "" {
		fmt.Fprint(s.out, "Enter password: ")
		if s.in.Scan() {
			l.password = strings.TrimSpace(s.in.Text())
		}
		fmt.Fprintln(s.out)
	}
	db, err := simdb.Open(s.h.Root)
	if err != nil {
		return oraErr(1034, "ORACLE not available")
	}
	defer db.Close()
	var u *simdb.User
	container := ""
	if strings.HasPrefix(l.ident, "(") {
		if !strings.Contains(strings.ToUpper(strings.ReplaceAll(l.ident, " ", "")), "(DESCRIPTION=") {
			return oraErr(12154, "TNS:could not resolve the connect identifier specified")
		}
		if db.CDB() {
			container = simdb.Root
			if m := serviceRE.FindStringSubmatch(l.ident); m != nil && db.Container(m[1]) != "" {
				container = db.Container(m[1])
			}
			if container == simdb.Root && !simdb.IsCommon(l.user) {
				return oraErr(1017, "invalid username/password; logon denied")
			}
		}
		u, err = db.LoginCounted(l.user, l.password)
	} else {
		u, container, err = oracli.LogonContainer(s.h, db, oracli.Conn{User: l.user, Password: l.password, Service: l.ident})
	}
	if err != nil {
		return err
	}
	if l.sysdba && u.Name != "SYS" {
		return oraErr(1031, "insufficient privileges")
	}
	s.user, s.sysdba, s.container = u.Name, l.sysdba, container
	return nil
}

var serviceRE = regexp.MustCompile(`(?i)\(\s*SERVICE_NAME\s*=\s*([^)\s]+)\s*\)`)

var errUsage = errors.New("SP2-0306: Invalid option.\nUsage: CONN[ECT] [{logon|/|proxy} [AS {SYSDBA|SYSOPER|SYSASM|SYSBACKUP|SYSDG|SYSKM|SYSRAC}] [edition=value]]\nwhere <logon> ::= <username>[/<password>][@<connect_identifier>]\n      <proxy> ::= <proxyuser>[<username>][/<password>][@<connect_identifier>]")

func (s *session) printConnectError(err error) {
	var oe *simdb.OraError
	if errors.As(err, &oe) {
		fmt.Fprintf(s.out, "ERROR:\n%s\n\n\n", oe.Error())
		return
	}
	fmt.Fprintln(s.out, err.Error())
}

var ampVar = regexp.MustCompile(`&&?([A-Za-z0-9_#$]+)\.?`)

// substitute replaces &name variables the way sqlplus does while DEFINE is ON: it
// prompts and reads each value from the input, i.e. the script's next line.
func (s *session) substitute(line string) string {
	if !s.set.define || !strings.Contains(line, "&") {
		return line
	}
	out := ampVar.ReplaceAllStringFunc(line, func(m string) string {
		name := ampVar.FindStringSubmatch(m)[1]
		fmt.Fprintf(s.out, "Enter value for %s: ", strings.ToLower(name))
		v := ""
		if s.in.Scan() {
			v = s.in.Text()
		}
		return v
	})
	if s.set.verify && out != line {
		fmt.Fprintf(s.out, "old   1: %s\nnew   1: %s\n", line, out)
	}
	return out
}
