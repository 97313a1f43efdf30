package datapump

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// The exit codes of expdp and impdp.
const (
	exitOK         = 0
	exitFailed     = 1
	exitWithErrors = 5
)

// job is one Data Pump run: its log and timing.
type job struct {
	l       *oracli.Log
	name    string                  // "SYSTEM"."SYS_EXPORT_SCHEMA_01"
	header  dumpfile.DataPumpFields // an export's dump file header
	started time.Time
	errors  int
}

func banner(env simtool.Env, utility string) *oracli.Log {
	l := oracli.NewLog(env.Stdout)
	l.Screen("\n%s: Release 19.0.0.0.0 - Production on %s\nVersion 19.3.0.0.0\n\n"+
		"Copyright (c) 1982, 2019, Oracle and/or its affiliates.  All rights reserved.\n\n",
		utility, time.Now().Format("Mon Jan 2 15:04:05 2006"))
	return l
}

// fail prints the errors of a job that never started and returns 1.
func fail(l *oracli.Log, lines ...string) int {
	for _, s := range lines {
		l.Println(s)
	}
	l.Close()
	return exitFailed
}

// logon connects and prints the banner's second half.
func logon(env simtool.Env, l *oracli.Log, p oracli.Params, db *simdb.DB) (*simdb.User, bool) {
	conn := oracli.ParseConn(p["userid"])
	me, err := oracli.Logon(env.Host, db, conn)
	if err != nil {
		l.Println(fmt.Sprintf("UDE-%05d: operation generated ORACLE error %d", simdb.OraCode(err), simdb.OraCode(err)))
		l.Println(err.Error())
		l.Println("\nUsername: ")
		return nil, false
	}
	l.Screen("Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\n")
	return me, true
}

// directory resolves DIRECTORY= to a folder: ORA-39087 when the object is unknown,
// ORA-29283 when its folder does not exist.
//
// A user who is not privileged (DBA, or the DATAPUMP_*_FULL_DATABASE roles) needs READ and
// WRITE on the directory object, or the directory is "invalid" for it as if it did not
// exist (ORA-39002, ORA-39070, ORA-39087). DROP USER takes these grants along.
func directory(db *simdb.DB, p oracli.Params, me *simdb.User) (string, []string) {
	name := strings.ToUpper(p["directory"])
	if name == "" {
		name = "DATA_PUMP_DIR"
	}
	dir, ok := db.Directories[name]
	if ok && me != nil && !oracli.Privileged(me) && !(me.HasDirPriv(name, "READ") && me.HasDirPriv(name, "WRITE")) {
		ok = false
	}
	if !ok {
		return "", []string{"ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.", "ORA-39087: directory name " + name + " is invalid"}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", []string{"ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.",
			"ORA-29283: invalid file operation: nonexistent file or path [29434]"}
	}
	return dir, nil
}

// file names a file inside the directory (Data Pump refuses paths in file names).
func file(dir, name, def string) string {
	if name == "" {
		name = def
	}
	return filepath.Join(dir, filepath.Base(name))
}

// starting prints the Starting line with the command-line parameters, password masked.
func (j *job) starting(argv []string) {
	var parts []string
	for _, a := range argv {
		k, v, ok := strings.Cut(a, "=")
		switch {
		case !ok:
			parts = append(parts, maskConn(a))
		case strings.EqualFold(k, "userid"):
			parts = append(parts, k+"="+maskConn(v))
		default:
			parts = append(parts, a)
		}
	}
	j.l.Println(fmt.Sprintf("Starting %s:  %s", j.name, strings.Join(parts, " ")))
}

func maskConn(s string) string {
	user, rest, ok := strings.Cut(s, "/")
	if !ok {
		return s
	}
	_, svc, hasSvc := strings.Cut(rest, "@")
	out := user + "/********"
	if hasSvc {
		out += "@" + svc
	}
	return out
}

func (j *job) errorf(format string, args ...any) {
	j.errors++
	j.l.Println(fmt.Sprintf(format, args...))
}

// finish prints the Job line and returns the exit code.
func (j *job) finish() int {
	now := time.Now()
	el := now.Sub(j.started)
	stamp := fmt.Sprintf("%s elapsed 0 %02d:%02d:%02d", now.Format("Mon Jan 2 15:04:05 2006"),
		int(el.Hours()), int(el.Minutes())%60, int(el.Seconds())%60)
	code := exitOK
	if j.errors == 0 {
		j.l.Println(fmt.Sprintf("Job %s successfully completed at %s", j.name, stamp))
	} else {
		j.l.Println(fmt.Sprintf("Job %s completed with %d error(s) at %s", j.name, j.errors, stamp))
		code = exitWithErrors
	}
	j.l.Close()
	return code
}

// fatal prints the stopped-due-to-fatal-error line and returns 1.
func (j *job) fatal() int {
	now := time.Now()
	el := now.Sub(j.started)
	j.l.Println(fmt.Sprintf("Job %s stopped due to fatal error at %s elapsed 0 %02d:%02d:%02d", j.name,
		now.Format("Mon Jan 2 15:04:05 2006"), int(el.Hours()), int(el.Minutes())%60, int(el.Seconds())%60))
	j.l.Close()
	return exitFailed
}

// size formats bytes the way Data Pump does: "9.796 MB".
func size(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.3f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.3f MB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.3f KB", float64(b)/(1<<10))
}

func tableLine(verb, owner, table string, rows int64) string {
	return fmt.Sprintf(". . %s %-40s %10s %8d rows", verb, fmt.Sprintf("%q.%q", owner, table), size(rows*simdb.RowSize), rows)
}

// remaps parses "A:B,C:D" into upper-case pairs.
func remaps(v string) map[string]string {
	m := map[string]string{}
	for _, pair := range oracli.List(v) {
		if a, b, ok := strings.Cut(pair, ":"); ok {
			m[a] = b
		}
	}
	return m
}
