package classic

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// Exp runs `exp` with argv (program name excluded) and returns its exit code.
func Exp(env simtool.Env, argv []string) int {
	l := oracli.NewLog(env.Stderr)
	l.NLS = oracli.ClientNLS(env.Host)
	banner(l, "Export")
	p, err := oracli.Parse(argv)
	if err != nil {
		l.Println(err.Error())
		return finish(l, "Export", "EXP", Failed)
	}
	if lp := p["log"]; lp != "" {
		if err := l.OpenFile(lp); err != nil {
			l.Println(fmt.Sprintf("EXP-00028: failed to open %s for write", lp))
			return finish(l, "Export", "EXP", Failed)
		}
	}
	conn := oracli.ParseConn(userid(env, l, p))
	db, err := simdb.Open(env.Host.Root)
	if err != nil {
		l.Println(err.Error())
		return finish(l, "Export", "EXP", Failed)
	}
	me, err := oracli.Logon(env.Host, db, conn)
	if err != nil {
		db.Close()
		l.Println(oraLine("EXP", simdb.OraCode(err)))
		l.Println(err.Error())
		l.Println("EXP-00005: all allowable logon attempts failed")
		return finish(l, "Export", "EXP", Failed)
	}
	owners := oracli.List(p["owner"])
	if len(owners) == 0 && !oracli.Yes(p["full"]) {
		owners = []string{me.Name}
	}
	var schemas []dumpfile.Schema
	outcome := OK
	var notes []string
	for _, o := range owners {
		u := db.User(o)
		switch {
		case o != me.Name && !oracli.Privileged(me):
			db.Close()
			l.Println(connected)
			l.Println("EXP-00032: Non-DBAs may not export other users")
			return finish(l, "Export", "EXP", Failed)
		case u == nil:
			notes = append(notes, fmt.Sprintf("EXP-00010: %s is not a valid username", o))
			outcome = Warnings
		case p["flashback_scn"] != "":
			// exp enables flashback through DBMS_FLASHBACK, which needs EXECUTE on it.
			if !me.CanExecute("SYS.DBMS_FLASHBACK") && !oracli.Privileged(me) {
				db.Close()
				l.Println(connected)
				l.Println("EXP-00008: ORACLE error 6550 encountered\nORA-06550: line 1, column 7:\nPLS-00201: identifier 'SYS.DBMS_FLASHBACK' must be declared\nORA-06550: line 1, column 7:\nPL/SQL: Statement ignored")
				return finish(l, "Export", "EXP", Failed)
			}
			as, err := dumpfile.AsOf(&db.State, u, p["flashback_scn"], time.Now())
			switch simdb.OraCode(err) {
			case 0:
				schemas = append(schemas, dumpfile.SchemaOf(as))
			case simdb.ErrSnapshotTooOld:
				// Each table's data fails and is skipped; exp carries on (a warning).
				for _, t := range u.Tables {
					notes = append(notes, fmt.Sprintf(". . exporting table %30s\nEXP-00056: ORACLE error 1555 encountered\n%v", t.Name, err))
				}
				outcome = Warnings
				schemas = append(schemas, dumpfile.Unloaded(dumpfile.SchemaOf(u)))
			default:
				db.Close()
				l.Println(connected)
				l.Println(fmt.Sprintf("EXP-00008: ORACLE error %d encountered\n%v\nORA-06512: at \"SYS.DBMS_FLASHBACK\", line 3\nORA-06512: at line 1", simdb.OraCode(err), err))
				return finish(l, "Export", "EXP", Failed)
			}
		default:
			schemas = append(schemas, dumpfile.ReadConsistency(dumpfile.SchemaOf(u), u, oracli.Yes(p["consistent"]) || p["flashback_time"] != ""))
		}
	}
	exporter := me.Name
	dbCharset := db.DBCharset()
	db.Close()
	l.Println(connected)
	l.Println("Export done in " + l.NLS.Charset + " character set and AL16UTF16 NCHAR character set")
	if l.NLS.Charset != dbCharset {
		l.Println("server uses " + dbCharset + " character set (possible charset conversion)")
	}
	for _, n := range notes {
		l.Println(n)
	}
	if len(schemas) == 0 {
		return finish(l, "Export", "EXP", outcome)
	}
	path := p["file"]
	if path == "" {
		path = "expdat.dmp"
	}
	f, err := os.Create(path)
	if err != nil {
		l.Println(fmt.Sprintf("EXP-00028: failed to open %s for write", path))
		return finish(l, "Export", "EXP", Failed)
	}
	defer f.Close()
	o2, err := writeExport(env, l, f, exporter, schemas, p)
	if outcome == Warnings && o2 == OK {
		o2 = Warnings
	}
	if err != nil {
		if env.Fault.PartialOutput {
			l.Close()
			return 1
		}
		l.Println("EXP-00002: error in writing to export file")
		return finish(l, "Export", "EXP", Failed)
	}
	if err := f.Close(); err != nil {
		l.Println("EXP-00002: error in writing to export file")
		return finish(l, "Export", "EXP", Failed)
	}
	return finish(l, "Export", "EXP", o2)
}

var errPartial = errors.New("partial output")

// writeExport streams the dump and the per-schema log lines.
func writeExport(env simtool.Env, l *oracli.Log, f io.Writer, exporter string, schemas []dumpfile.Schema, p oracli.Params) (Outcome, error) {
	var total int64
	for _, s := range schemas {
		total += s.Size()
	}
	var w io.Writer = f
	switch {
	case env.Fault.DiskFull:
		w = &dumpfile.CutWriter{W: f, N: simtool.DiskFullLimit(total), Err: simtool.ErrNoSpace}
	case env.Fault.TruncateDump:
		w = &dumpfile.CutWriter{W: f, N: total / 2}
	case env.Fault.PartialOutput:
		w = &dumpfile.CutWriter{W: f, N: total / 2, Err: errPartial}
	}
	dw, err := dumpfile.NewWriter(w, dumpfile.Classic, exporter)
	if err != nil {
		return Failed, err
	}
	outcome := OK
	stats := strings.ToLower(p["statistics"])
	if len(schemas) > 1 || schemas[0].Owner != exporter {
		l.Println("\nAbout to export specified users ...")
	}
	for _, s := range schemas {
		for _, line := range []string{". exporting pre-schema procedural objects and actions",
			". exporting foreign function library names for user " + s.Owner, ". exporting PUBLIC type synonyms",
			". exporting private type synonyms", ". exporting object type definitions for user " + s.Owner,
			"About to export " + s.Owner + "'s objects ...", ". exporting database links", ". exporting sequence numbers",
			". exporting cluster definitions", ". about to export " + s.Owner + "'s tables via Conventional Path ..."} {
			l.Println(line)
		}
		if err := dw.BeginSchema(s); err != nil {
			return Failed, err
		}
		for _, t := range s.Tables {
			if err := dw.Table(t, s.Generation); err != nil {
				return Failed, err
			}
			l.Printf(". . exporting table %30s %10d rows exported\n", t.Name, t.Rows)
			if stats != "none" {
				l.Println("EXP-00091: Exporting questionable statistics.")
				outcome = Warnings
			}
		}
		for _, line := range []string{". exporting synonyms", ". exporting views", ". exporting stored procedures",
			". exporting operators", ". exporting referential integrity constraints", ". exporting triggers",
			". exporting indextypes", ". exporting bitmap, functional and extensible indexes", ". exporting posttables actions",
			". exporting materialized views", ". exporting snapshot logs", ". exporting job queues",
			". exporting refresh groups and children", ". exporting dimensions", ". exporting post-schema procedural objects and actions"} {
			l.Println(line)
		}
		if stats != "none" {
			l.Println(". exporting statistics")
		}
		if err := dw.EndSchema(s.Owner); err != nil {
			return Failed, err
		}
	}
	return outcome, dw.Close()
}
