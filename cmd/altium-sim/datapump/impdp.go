package datapump

import (
	"bufio"
	"fmt"
	"os"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// Impdp runs `impdp` with argv and returns its exit code. Like Data Pump, which reads
// the master table first, it checks the whole dump before changing anything: a cut or
// damaged file fails at the start (ORA-31619).
func Impdp(env simtool.Env, argv []string) int {
	l := banner(env, "Import")
	p, err := oracli.Parse(argv)
	if err != nil {
		return fail(l, err.Error())
	}
	db, err := simdb.Open(env.Host.Root)
	if err != nil {
		return fail(l, err.Error())
	}
	defer db.Close()
	me, ok := logon(env, l, p, db)
	if !ok {
		return fail(l)
	}
	dir, errs := directory(db, p, me)
	if errs != nil {
		return fail(l, errs...)
	}
	if !oracli.Yes(p["nologfile"]) {
		if err := l.OpenFile(file(dir, p["logfile"], "import.log")); err != nil {
			return fail(l, "ORA-39002: invalid operation", "ORA-39070: Unable to open the log file.", "ORA-29283: invalid file operation")
		}
	}
	dumpPath := file(dir, p["dumpfile"], "expdat.dmp")
	schemas := oracli.List(p["schemas"])
	jobName := "SYS_IMPORT_FULL_01"
	if len(schemas) > 0 {
		jobName = "SYS_IMPORT_SCHEMA_01"
	}
	j := &job{l: l, name: fmt.Sprintf("%q.%q", me.Name, jobName), started: time.Now()}
	if msg := check(dumpPath, j.name); msg != nil {
		return fail(l, msg...)
	}
	if !oracli.Privileged(me) {
		return fail(l, "ORA-31631: privileges are required", "ORA-39122: Unprivileged users may not perform REMAP_SCHEMA remappings.")
	}
	j.l.Println(fmt.Sprintf("Master table %s successfully loaded/unloaded", j.name))
	j.starting(argv)
	im := &importer{db: db, j: j, schemas: schemas, remapSchema: remaps(p["remap_schema"]),
		remapTS: remaps(p["remap_tablespace"]), action: p["table_exists_action"]}
	f, err := os.Open(dumpPath)
	if err != nil {
		return fail(l, fmt.Sprintf("ORA-31640: unable to open dump file %q for read", dumpPath))
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if _, _, err := dumpfile.Header(br); err != nil {
		return fail(l, "ORA-39000: bad dump file specification", fmt.Sprintf("ORA-31619: invalid dump file %q", dumpPath))
	}
	if err := dumpfile.Read(br, dumpfile.Visitor{Schema: im.schema, Table: im.table, EndSchema: im.endSchema}); err != nil {
		j.errorf("ORA-39840: A data load operation has detected data stream format error %v.", err)
		db.Save()
		return j.fatal()
	}
	if err := db.Save(); err != nil {
		j.errorf("ORA-39126: Worker unexpected fatal error in KUPW$WORKER.MAIN [%v]", err)
		return j.fatal()
	}
	return j.finish()
}

// check reads the whole dump once: missing, original export, cut short or damaged.
func check(path, jobName string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{"ORA-39001: invalid argument value", "ORA-39000: bad dump file specification",
			fmt.Sprintf("ORA-31640: unable to open dump file %q for read", path),
			"ORA-27037: unable to obtain file status", "Linux-x86_64 Error: 2: No such file or directory", "Additional information: 7"}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	kind, _, err := dumpfile.Header(br)
	if err == nil && kind == dumpfile.Classic {
		return []string{"ORA-39002: invalid operation", fmt.Sprintf("ORA-31694: master table %s failed to load/unload", jobName),
			fmt.Sprintf("ORA-39143: dump file %q may be an original export dump file", path)}
	}
	if err == nil {
		err = dumpfile.Read(br, dumpfile.Visitor{})
	}
	if err != nil {
		return []string{"ORA-39001: invalid argument value", "ORA-39000: bad dump file specification",
			fmt.Sprintf("ORA-31619: invalid dump file %q", path)}
	}
	return nil
}

type importer struct {
	db          *simdb.DB
	j           *job
	schemas     []string
	remapSchema map[string]string
	remapTS     map[string]string
	action      string
	target      *simdb.User
	clean       bool
	gen         int64
	objects     map[string]int
	src         dumpfile.Schema
}

func (im *importer) schema(s dumpfile.Schema) error {
	im.target = nil
	if len(im.schemas) > 0 && !contains(im.schemas, s.Owner) {
		return nil
	}
	dest := s.Owner
	if d, ok := im.remapSchema[s.Owner]; ok {
		dest = d
	}
	ts := im.ts(s.Tablespace)
	u := im.db.User(dest)
	im.clean = true
	if u != nil {
		im.j.errorf("ORA-31684: Object type USER:%q already exists", dest)
	} else {
		var err error
		if u, err = im.db.CreateUser(dest, s.Password, ts); err != nil {
			im.j.errorf("ORA-39083: Object type USER:%q failed to create with error:", dest)
			im.j.l.Println(err.Error())
			return nil
		}
		u.Roles = []string{"CONNECT", "RESOURCE"}
		u.Privileges = []string{"CREATE SESSION", "UNLIMITED TABLESPACE"}
	}
	im.target, im.gen, im.objects, im.src = u, s.Generation, s.Objects, s
	return nil
}

func (im *importer) ts(name string) string {
	if t, ok := im.remapTS[name]; ok {
		return t
	}
	return name
}

func (im *importer) table(_ string, t simdb.Table) error {
	u := im.target
	if u == nil {
		return nil
	}
	t.Tablespace = im.ts(t.Tablespace)
	for i, have := range u.Tables {
		if have.Name != t.Name {
			continue
		}
		switch im.action {
		case "", "skip", "SKIP":
			im.clean = false
			im.j.errorf("ORA-39151: Table %q.%q exists. All dependent metadata and data will be skipped due to table_exists_action of skip", u.Name, t.Name)
		case "replace", "REPLACE", "truncate", "TRUNCATE":
			u.Tables[i].Rows = t.Rows
			im.j.l.Println(tableLine("imported", u.Name, t.Name, t.Rows))
		default: // append: the generated rows collide with the primary key
			im.clean = false
			im.j.errorf("ORA-31693: Table data object %q.%q failed to load/unload and is being skipped due to error:", u.Name, t.Name)
			im.j.l.Println("ORA-00001: unique constraint (" + u.Name + ".PK_" + t.Name + ") violated")
		}
		return nil
	}
	if !im.db.HasTablespace(t.Tablespace) {
		im.clean = false
		im.j.errorf("ORA-39083: Object type TABLE:%q.%q failed to create with error:", u.Name, t.Name)
		im.j.l.Println(fmt.Sprintf("ORA-00959: tablespace '%s' does not exist", t.Tablespace))
		return nil
	}
	u.Tables = append(u.Tables, t)
	im.j.l.Println(tableLine("imported", u.Name, t.Name, t.Rows))
	return nil
}

func (im *importer) endSchema(string) error {
	if u := im.target; u != nil {
		// Each view that compiles with warnings is one of the job's errors.
		for i := 0; i < im.src.CompileWarnings; i++ {
			im.j.errorf("ORA-39082: Object type VIEW:%q.\"ALV_VIEW%02d\" created with compilation warnings", u.Name, i+1)
		}
		u.Broken, u.CompileWarnings = im.src.Broken, im.src.CompileWarnings
		u.Invalid = im.src.Broken + im.src.CompileWarnings
		for k, n := range im.objects {
			if u.Objects[k] == 0 {
				u.Objects[k] = n
			}
		}
		if im.clean {
			u.Generation = im.gen
		}
	}
	im.target = nil
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
