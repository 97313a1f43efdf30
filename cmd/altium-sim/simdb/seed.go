package simdb

import (
	"fmt"
	"strings"
)

// SeedOptions describes a freshly installed database with one application schema.
type SeedOptions struct {
	Schema        string // AESUSER313
	Password      string // the schema's password
	Tablespace    string // the schema's default tablespace ("" → USERS)
	AdminPassword string // SYSTEM's password
	Tables        int    // number of tables in the schema
	Rows          int64  // rows per table (table i holds Rows+i)
	DataPumpDir   string // folder of the DATA_PUMP_DIR directory object
	Generation    int64  // application generation stamped into the schema
	// LobTablespace, when set, is a second tablespace of the schema: every fourth table
	// (the ones holding documents as LOBs) lives there, so the schema's segments span
	// two tablespaces.
	LobTablespace string
	// Release is the Oracle release (simdb.Releases; "" is 19c).
	Release string
	// Broken and CompileWarnings seed the schema's User fields of the same names.
	Broken, CompileWarnings int
	// PDB makes a container database whose pluggable database of that name holds the schema.
	PDB string
	// Charset is the database character set ("" → WE8MSWIN1252).
	Charset string
}

// tableNames are plausible names for the schema's first tables; later ones are numbered.
var tableNames = []string{
	"ALU_ITEM", "ALU_ITEMREVISION", "ALU_FOLDER", "ALU_LIFECYCLEDEFINITION", "ALU_LIFECYCLESTATE",
	"ALU_PARAMETER", "ALU_USER", "ALU_GROUP", "ALU_PERMISSION", "ALU_PROJECT", "ALU_COMMENT",
	"ALU_WORKFLOW", "ALU_SUPPLIERLINK", "ALU_CHANGELOG",
}

// TableName returns the name Seed gives table i.
func TableName(i int) string {
	if i < len(tableNames) {
		return tableNames[i]
	}
	return fmt.Sprintf("ALU_DATA%03d", i)
}

// Seed returns the state of a new database: SYS and SYSTEM (DBA), tablespaces SYSTEM,
// SYSAUX, UNDOTBS1, TEMP, USERS (and the schema's), DATA_PUMP_DIR, and the schema with
// its tables, object counts and generation.
func Seed(o SeedOptions) (State, error) {
	st := State{
		Version:     FormatVersion,
		Users:       map[string]*User{},
		Tablespaces: []string{"SYSTEM", "SYSAUX", "UNDOTBS1", "TEMP", "USERS"},
		Directories: map[string]string{},
	}
	rel, err := ParseRelease(o.Release)
	if err != nil {
		return State{}, err
	}
	st.Release = rel
	st.PDB = strings.ToUpper(o.PDB)
	st.Charset = strings.ToUpper(o.Charset)
	ts := strings.ToUpper(o.Tablespace)
	if ts == "" {
		ts = "USERS"
	}
	if !st.HasTablespace(ts) {
		st.Tablespaces = append(st.Tablespaces, ts)
	}
	lob := strings.ToUpper(o.LobTablespace)
	if lob != "" && !st.HasTablespace(lob) {
		st.Tablespaces = append(st.Tablespaces, lob)
	}
	if o.DataPumpDir != "" {
		st.Directories["DATA_PUMP_DIR"] = o.DataPumpDir
	}
	for _, name := range []string{"SYS", "SYSTEM"} {
		st.Users[name] = &User{Name: name, Password: o.AdminPassword, DefaultTablespace: "SYSTEM",
			Roles: []string{"DBA"}, Privileges: []string{"CREATE SESSION", "UNLIMITED TABLESPACE"}, Objects: map[string]int{}}
	}
	u, err := st.CreateUser(o.Schema, o.Password, ts)
	if err != nil {
		return State{}, fmt.Errorf("seed schema %q: %w", o.Schema, err)
	}
	u.Roles = []string{"CONNECT", "RESOURCE"}
	if o.DataPumpDir != "" { // the install's admin granted it, so the schema can run expdp
		u.DirPrivs = []string{"DATA_PUMP_DIR:READ", "DATA_PUMP_DIR:WRITE"}
	}
	u.Privileges = []string{"CREATE SESSION", "UNLIMITED TABLESPACE"}
	u.Generation = o.Generation
	u.Broken, u.Invalid, u.CompileWarnings = o.Broken, o.Broken, o.CompileWarnings
	for i := 0; i < o.Tables; i++ {
		tts := ts
		if lob != "" && i%4 == 3 {
			tts = lob
		}
		u.Tables = append(u.Tables, Table{Name: TableName(i), Tablespace: tts, Rows: o.Rows + int64(i)})
	}
	if o.Tables > 0 {
		u.Objects = map[string]int{
			"INDEX": 2 * o.Tables, "SEQUENCE": (o.Tables + 1) / 2, "VIEW": 3,
			"TRIGGER": (o.Tables + 2) / 3, "PROCEDURE": 2, "LOB": (o.Tables + 3) / 4,
		}
	}
	return st, nil
}
