package dumpfile

import (
	"bytes"
	"errors"
	"fmt"

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
	datapumpHeader = dataPumpBlock(DataPumpFields{})
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

// DataPumpFields are what a simulated Data Pump header says of the export that wrote it
// (the items DBMS_DATAPUMP.GET_DUMPFILE_INFO reports); empty fields take 19c defaults.
type DataPumpFields struct {
	Release string // simdb release: the database version item
	Charset string // database character set: the character set id and language items
	JobName string
}

// dbVersions is the database version item per release. The value's format follows the
// simulator's earlier "19.00.00.00.00"; what real files hold is not documented.
var dbVersions = map[string]string{"11.2": "11.02.00.00.00", "12.1": "12.01.00.00.00", "19c": "19.00.00.00.00", "21c-xe": "21.00.00.00.00"}

// charsetIDs are Oracle's character-set ids (NLS_CHARSET_ID) of the sets the simulator uses.
var charsetIDs = map[string]int{"US7ASCII": 1, "WE8ISO8859P1": 31, "WE8ISO8859P15": 46, "EE8MSWIN1250": 170,
	"CL8MSWIN1251": 171, "WE8MSWIN1252": 178, "ZHS16GBK": 852, "UTF8": 871, "AL32UTF8": 873}

const dataPumpMagic = "\x00\x01KU$DFHDR "

// dataPumpBlock is the simulated Data Pump file header: one 4 KiB block (real files start
// with a header block too) naming the fields DBMS_DATAPUMP.GET_DUMPFILE_INFO reports. Its
// layout is the simulator's own: Oracle documents no byte layout, so vaultkeeper reads
// none of it and identifies a Data Pump file only by elimination (checks/dumpid) or by
// asking the database (GET_DUMPFILE_INFO, answered from this block by FileInfo).
func dataPumpBlock(f DataPumpFields) []byte {
	version, ok := dbVersions[f.Release]
	if !ok {
		version = dbVersions["19c"]
	}
	charset := f.Charset
	if _, ok := charsetIDs[charset]; !ok {
		charset = "WE8MSWIN1252"
	}
	job := f.JobName
	if job == "" {
		job = "SYS_EXPORT_SCHEMA_01"
	}
	b := make([]byte, DataPumpHeaderSize)
	copy(b, fmt.Sprintf(dataPumpMagic+"FILE_VERSION=5.1 MASTER_PRESENT=1 CHARSET_ID=%d "+
		"PLATFORM=x86_64/Linux 2.4.xx LANGUAGE=%s BLOCKSIZE=4096 DB_VERSION=%s JOB_NAME=%s\n", charsetIDs[charset], charset, version, job))
	b[len(b)-1] = '\n'
	return b
}

// isDataPumpBlock reports whether b is a simulated Data Pump header block.
func isDataPumpBlock(b []byte) bool {
	return len(b) == DataPumpHeaderSize && bytes.HasPrefix(b, []byte(dataPumpMagic)) && b[len(b)-1] == '\n' &&
		bytes.IndexByte(b, '\n') < len(b)-1
}
