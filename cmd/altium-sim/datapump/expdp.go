package datapump

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

var errPartial = errors.New("partial output")

// Expdp runs `expdp` with argv and returns its exit code.
func Expdp(env simtool.Env, argv []string) int {
	l := banner(env, "Export")
	p, err := oracli.Parse(argv)
	if err != nil {
		return fail(l, err.Error())
	}
	db, err := simdb.Open(env.Host.Root)
	if err != nil {
		return fail(l, err.Error())
	}
	me, ok := logon(env, l, p, db)
	if !ok {
		db.Close()
		return fail(l)
	}
	dir, errs := directory(db, p, me)
	if errs != nil {
		db.Close()
		return fail(l, errs...)
	}
	if !oracli.Yes(p["nologfile"]) {
		if err := l.OpenFile(file(dir, p["logfile"], "export.log")); err != nil {
			db.Close()
			return fail(l, "ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.", "ORA-29283: invalid file operation")
		}
	}
	owners := oracli.List(p["schemas"])
	if len(owners) == 0 {
		owners = []string{me.Name}
	}
	for _, o := range owners {
		if o != me.Name && !oracli.Privileged(me) {
			db.Close()
			return fail(l, "ORA-31631: privileges are required", "ORA-39109: Unprivileged users may not operate upon other users' schemas")
		}
	}
	dumpPath := file(dir, p["dumpfile"], "expdat.dmp")
	if _, err := os.Stat(dumpPath); err == nil {
		db.Close()
		return fail(l, "ORA-39001: invalid argument value", "ORA-39000: bad dump file specification",
			fmt.Sprintf("ORA-31641: unable to create dump file %q", dumpPath), "ORA-27038: created file already exists", "Additional information: 1")
	}
	j := &job{l: l, name: fmt.Sprintf("%q.%q", me.Name, "SYS_EXPORT_SCHEMA_01"), started: time.Now()}
	var schemas []dumpfile.Schema
	var missing []string
	if p["flashback_scn"] != "" && p["flashback_time"] != "" {
		db.Close()
		return fail(l, "ORA-39001: invalid argument value", "ORA-39050: parameter FLASHBACK_TIME is incompatible with parameter FLASHBACK_SCN")
	}
	var tooOld []string // tables whose data needs undo that is gone (ORA-01555)
	var tooOldErr error
	for _, o := range owners {
		u := db.User(o)
		switch {
		case u == nil:
			missing = append(missing, o)
		case p["flashback_scn"] != "":
			as, err := dumpfile.AsOf(&db.State, u, p["flashback_scn"], time.Now())
			switch simdb.OraCode(err) {
			case 0:
				schemas = append(schemas, dumpfile.SchemaOf(as))
			case simdb.ErrSnapshotTooOld:
				for _, t := range u.Tables {
					tooOld = append(tooOld, fmt.Sprintf("%q.%q", u.Name, t.Name))
				}
				tooOldErr = err
				schemas = append(schemas, dumpfile.Unloaded(dumpfile.SchemaOf(u)))
			default:
				db.Close()
				return fail(l, "ORA-39001: invalid argument value", err.Error())
			}
		default:
			schemas = append(schemas, dumpfile.ReadConsistency(dumpfile.SchemaOf(u), u, p["flashback_time"] != ""))
		}
	}
	exporter := me.Name
	j.header = dumpfile.DataPumpFields{Release: db.Release, Charset: db.DBCharset(), JobName: "SYS_EXPORT_SCHEMA_01"}
	db.Close()
	j.starting(argv)
	for _, m := range missing {
		j.errorf("ORA-39165: Schema %s was not found.", m)
	}
	for _, t := range tooOld {
		j.errorf("ORA-31693: Table data object %s failed to load/unload and is being skipped due to error:", t)
		j.l.Println("ORA-02354: error in exporting/importing data")
		j.l.Println(tooOldErr.Error())
	}
	if len(schemas) == 0 {
		j.errorf("ORA-31655: no data or metadata objects selected for job")
		return j.finish()
	}
	f, err := os.Create(dumpPath)
	if err != nil {
		return fail(l, fmt.Sprintf("ORA-31641: unable to create dump file %q", dumpPath))
	}
	defer f.Close()
	if err := export(env, j, f, exporter, schemas); err != nil {
		switch {
		case env.Fault.PartialOutput:
			l.Close()
			return exitFailed
		case errors.Is(err, simtool.ErrNoSpace):
			j.errorf("ORA-31693: Table data object failed to load/unload and is being skipped due to error:")
			j.l.Println("ORA-02354: error in exporting/importing data")
			j.l.Println("ORA-39095: Dump file space has been exhausted: Unable to allocate 8192 bytes")
			return j.fatal()
		}
		j.errorf("ORA-39126: Worker unexpected fatal error in KUPW$WORKER.MAIN [%v]", err)
		return j.fatal()
	}
	if err := f.Close(); err != nil {
		j.errorf("ORA-19502: write error on file %q", dumpPath)
		return j.fatal()
	}
	j.l.Println(fmt.Sprintf("Master table %s successfully loaded/unloaded", j.name))
	j.l.Println("******************************************************************************")
	j.l.Println(fmt.Sprintf("Dump file set for %s.SYS_EXPORT_SCHEMA_01 is:", exporter))
	j.l.Println("  " + dumpPath)
	return j.finish()
}

func export(env simtool.Env, j *job, f io.Writer, exporter string, schemas []dumpfile.Schema) error {
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
	dw, err := dumpfile.NewDataPumpWriter(w, exporter, j.header)
	if err != nil {
		return err
	}
	for _, t := range []string{"SCHEMA_EXPORT/TABLE/TABLE_DATA", "SCHEMA_EXPORT/TABLE/INDEX/STATISTICS/INDEX_STATISTICS",
		"SCHEMA_EXPORT/TABLE/STATISTICS/TABLE_STATISTICS", "SCHEMA_EXPORT/USER", "SCHEMA_EXPORT/SYSTEM_GRANT",
		"SCHEMA_EXPORT/ROLE_GRANT", "SCHEMA_EXPORT/DEFAULT_ROLE", "SCHEMA_EXPORT/TABLESPACE_QUOTA",
		"SCHEMA_EXPORT/PRE_SCHEMA/PROCACT_SCHEMA", "SCHEMA_EXPORT/SEQUENCE/SEQUENCE", "SCHEMA_EXPORT/TABLE/TABLE",
		"SCHEMA_EXPORT/TABLE/INDEX/INDEX", "SCHEMA_EXPORT/TABLE/CONSTRAINT/CONSTRAINT", "SCHEMA_EXPORT/VIEW/VIEW",
		"SCHEMA_EXPORT/PROCEDURE/PROCEDURE", "SCHEMA_EXPORT/TABLE/TRIGGER"} {
		j.l.Println("Processing object type " + t)
	}
	for _, s := range schemas {
		if err := dw.BeginSchema(s); err != nil {
			return err
		}
		for _, t := range s.Tables {
			if err := dw.Table(t, s.Generation); err != nil {
				return err
			}
			j.l.Println(tableLine("exported", s.Owner, t.Name, t.Rows))
		}
		if err := dw.EndSchema(s.Owner); err != nil {
			return err
		}
	}
	return dw.Close()
}
