package classic

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// Imp runs `imp` with argv and returns its exit code. It holds the database lock for the
// whole import and saves what it imported, also when the dump turns out to be cut short
// (the tables read so far stay, as in Oracle where each table is committed).
func Imp(env simtool.Env, argv []string) int {
	l := oracli.NewLog(env.Stderr)
	l.NLS = oracli.ClientNLS(env.Host)
	banner(l, "Import")
	p, err := oracli.Parse(argv)
	if err != nil {
		l.Println(err.Error())
		return finish(l, "Import", "IMP", Failed)
	}
	if lp := p["log"]; lp != "" {
		if err := l.OpenFile(lp); err != nil {
			l.Println(fmt.Sprintf("IMP-00002: failed to open %s for write", lp))
			return finish(l, "Import", "IMP", Failed)
		}
	}
	conn := oracli.ParseConn(userid(env, l, p))
	db, err := simdb.Open(env.Host.Root)
	if err != nil {
		l.Println(err.Error())
		return finish(l, "Import", "IMP", Failed)
	}
	defer db.Close()
	me, err := oracli.Logon(env.Host, db, conn)
	if err != nil {
		l.Println(oraLine("IMP", simdb.OraCode(err)))
		l.Println(err.Error())
		l.Println("IMP-00005: all allowable logon attempts failed")
		return finish(l, "Import", "IMP", Failed)
	}
	l.Println(connected)
	path := p["file"]
	if path == "" {
		path = "expdat.dmp"
	}
	f, err := os.Open(path)
	if err != nil {
		l.Println(fmt.Sprintf("IMP-00002: failed to open %s for read", path))
		return finish(l, "Import", "IMP", Failed)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	kind, exporter, err := dumpfile.Header(br)
	if err != nil || kind != dumpfile.Classic {
		l.Println("IMP-00010: not a valid export file, header failed verification")
		return finish(l, "Import", "IMP", Failed)
	}
	from, to := oracli.List(p["fromuser"]), oracli.List(p["touser"])
	if len(from) == 0 && !oracli.Yes(p["full"]) {
		l.Println("IMP-00031: Must specify FULL=Y or provide FROMUSER/TOUSER or TABLES arguments")
		return finish(l, "Import", "IMP", Failed)
	}
	if (len(to) > 0 || exporter != me.Name) && !oracli.Privileged(me) {
		l.Println("IMP-00007: must be a DBA to import objects to another user's account")
		return finish(l, "Import", "IMP", Failed)
	}
	l.Println("\nExport file created by EXPORT:" + dumpfile.Version + " via conventional path")
	if exporter != me.Name {
		l.Println("\nWarning: the objects were exported by " + exporter + ", not by you")
	}
	l.Println("\nimport done in " + l.NLS.Charset + " character set and AL16UTF16 NCHAR character set")
	if dbCharset := db.DBCharset(); dbCharset != l.NLS.Charset {
		l.Println("import server uses " + dbCharset + " character set (possible charset conversion)")
	}
	im := &importer{db: db, l: l, from: from, to: to, ignore: oracli.Yes(p["ignore"]), seen: map[string]bool{}}
	err = dumpfile.Read(br, dumpfile.Visitor{Schema: im.schema, Table: im.table, EndSchema: im.endSchema})
	outcome := im.outcome
	switch {
	case errors.Is(err, dumpfile.ErrTruncated):
		l.Println("IMP-00009: abnormal end of export file")
		outcome = Warnings
	case errors.Is(err, dumpfile.ErrCorrupt):
		l.Println("IMP-00008: unrecognized statement in the export file: ")
		outcome = Warnings
	case err != nil:
		l.Println(err.Error())
		outcome = Failed
	}
	for _, u := range from {
		if !im.seen[u] {
			l.Println(fmt.Sprintf("IMP-00034: Warning: FromUser %q not found in export file", u))
			if outcome == OK {
				outcome = Warnings
			}
		}
	}
	if err == nil {
		l.Println("About to enable constraints...")
	}
	if serr := db.Save(); serr != nil {
		l.Println(serr.Error())
		outcome = Failed
	}
	return finish(l, "Import", "IMP", outcome)
}

// importer applies a dump's schemas to the database.
type importer struct {
	db       *simdb.DB
	l        *oracli.Log
	from, to []string
	ignore   bool
	seen     map[string]bool
	outcome  Outcome
	target   *simdb.User // nil: skip the current schema
	clean    bool        // no table of the current schema was skipped
	gen      int64
	src      dumpfile.Schema
}

func (im *importer) warn() {
	if im.outcome == OK {
		im.outcome = Warnings
	}
}

func (im *importer) schema(s dumpfile.Schema) error {
	im.target = nil
	dest, ok := s.Owner, len(im.from) == 0
	for i, f := range im.from {
		if f == s.Owner {
			ok = true
			if i < len(im.to) {
				dest = im.to[i]
			}
		}
	}
	if !ok {
		return nil
	}
	im.seen[s.Owner] = true
	im.l.Println(". importing " + s.Owner + "'s objects into " + dest)
	u := im.db.User(dest)
	if u == nil {
		im.l.Println("IMP-00003: ORACLE error 1435 encountered")
		im.l.Println("ORA-01435: user does not exist")
		im.warn()
		return nil
	}
	im.target, im.clean, im.gen, im.src = u, true, s.Generation, s
	for t, n := range s.Objects {
		if u.Objects[t] > 0 && !im.ignore {
			im.clean = false
			continue
		}
		u.Objects[t] += n
	}
	return nil
}

func (im *importer) table(_ string, t simdb.Table) error {
	u := im.target
	if u == nil {
		return nil
	}
	for _, have := range u.Tables {
		if have.Name != t.Name {
			continue
		}
		im.clean = false
		im.warn()
		if !im.ignore {
			im.l.Println("IMP-00015: following statement failed because the object already exists:")
			im.l.Println(fmt.Sprintf(" \"CREATE TABLE %q (\"ID\" NUMBER(18, 0) NOT NULL ENABLE, \"DATA\" VARCHAR2(4000))  TABLESPACE %q\"", t.Name, have.Tablespace))
			return nil
		}
		im.l.Println("IMP-00019: row rejected due to ORACLE error 1")
		im.l.Println("IMP-00003: ORACLE error 1 encountered")
		im.l.Println(fmt.Sprintf("ORA-00001: unique constraint (%s.PK_%s) violated", u.Name, t.Name))
		im.l.Printf(". . importing table %30s %10d rows imported\n", fmt.Sprintf("%q", t.Name), 0)
		return nil
	}
	if !im.db.HasTablespace(t.Tablespace) {
		t.Tablespace = u.DefaultTablespace // the CREATE is retried without the clause
	}
	u.Tables = append(u.Tables, t)
	im.l.Printf(". . importing table %30s %10d rows imported\n", fmt.Sprintf("%q", t.Name), t.Rows)
	return nil
}

func (im *importer) endSchema(string) error {
	if u := im.target; u != nil {
		// Views exported before what they depend on compile with warnings and stay
		// INVALID until the schema is recompiled (Utilities guide, "Importing Views").
		for i := 0; i < im.src.CompileWarnings; i++ {
			im.l.Println("IMP-00041: " + im.l.NLS.Translate("Warning: object created with compilation warnings"))
			im.l.Println(fmt.Sprintf(` "CREATE FORCE VIEW "%s"."ALV_VIEW%02d"                  ("ID","NAME") AS "`, u.Name, i+1))
			im.l.Println(` "SELECT id, name FROM alu_item"`)
			im.warn()
		}
		u.Broken, u.CompileWarnings = im.src.Broken, im.src.CompileWarnings
		u.Invalid = im.src.Broken + im.src.CompileWarnings
	}
	if im.target != nil && im.clean {
		im.target.Generation = im.gen
	}
	im.target = nil
	return nil
}
