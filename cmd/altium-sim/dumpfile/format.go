package dumpfile

import (
	"errors"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Kind tells a classic export from a Data Pump file.
type Kind int

// The kinds of dump.
const (
	Classic Kind = iota
	DataPump
)

// Version is the tool version the headers carry.
const Version = "V19.00.00"

var (
	classicHeader  = []byte("\x03\x00\xb2EXPORT:" + Version + "\n")
	datapumpHeader = []byte("\x00\x01DATAPUMP:" + Version + "\n")
)

// Errors a Reader returns.
var (
	ErrHeader    = errors.New("header failed verification")
	ErrTruncated = errors.New("abnormal end of export file")
	ErrCorrupt   = errors.New("unrecognized statement in the export file")
)

// Schema is one exported schema.
type Schema struct {
	Owner      string
	Tablespace string
	Generation int64
	Password   string // the owner's password, so impdp can create the user (Data Pump only)
	Objects    map[string]int
	Tables     []simdb.Table
	// Broken counts objects that stay INVALID whatever is recompiled; CompileWarnings the
	// objects (views before their tables) that compile with warnings on import.
	Broken          int
	CompileWarnings int
}

// SchemaOf captures a user's schema for export.
func SchemaOf(u *simdb.User) Schema {
	s := Schema{Owner: u.Name, Tablespace: u.DefaultTablespace, Generation: u.Generation, Password: u.Password, Objects: map[string]int{}}
	for k, v := range u.Objects {
		s.Objects[k] = v
	}
	s.Tables = append(s.Tables, u.Tables...)
	s.Broken, s.CompileWarnings = u.Broken, u.CompileWarnings
	return s
}

// Size returns the number of bytes of row data in the schema.
func (s Schema) Size() int64 {
	var n int64
	for _, t := range s.Tables {
		n += t.Rows * simdb.RowSize
	}
	return n
}
