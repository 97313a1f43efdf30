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
	datapumpHeader = dataPumpBlock()
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

// DataPumpHeaderSize is the size of the simulated Data Pump header block.
const DataPumpHeaderSize = 4096

// dataPumpBlock is the simulated Data Pump file header: one 4 KiB block (real files start
// with a header block too) naming the fields DBMS_DATAPUMP.GET_DUMPFILE_INFO reports. Its
// layout is the simulator's own: Oracle documents no byte layout, so vaultkeeper reads
// none of it and identifies a Data Pump file only by elimination (checks/dumpid).
func dataPumpBlock() []byte {
	b := make([]byte, DataPumpHeaderSize)
	copy(b, "\x00\x01KU$DFHDR FILE_VERSION=5.1 MASTER_PRESENT=1 CHARSET_ID=178 "+
		"PLATFORM=x86_64/Linux 2.4.xx LANGUAGE=WE8MSWIN1252 BLOCKSIZE=4096 DB_VERSION=19.00.00.00.00 "+
		"JOB_NAME=SYS_EXPORT_SCHEMA_01\n")
	b[len(b)-1] = '\n'
	return b
}
