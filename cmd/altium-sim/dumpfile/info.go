package dumpfile

import (
	"bytes"
	"errors"
	"io"
	"regexp"
)

// File types and item codes as DBMS_DATAPUMP.GET_DUMPFILE_INFO reports them (Oracle's
// PL/SQL Packages reference: filetype 0 unknown, 1 Data Pump, 2 classic export, 3
// external table; ku$_dumpfile_info item codes KU$_DFHDR_*).
const (
	FileTypeUnknown  = 0
	FileTypeDataPump = 1
	FileTypeClassic  = 2
)

// itemCodes maps the simulated header's field names to KU$_DFHDR_* item codes.
var itemCodes = map[string]int{
	"FILE_VERSION": 1, "MASTER_PRESENT": 2, "CHARSET_ID": 5, "JOB_NAME": 8, "PLATFORM": 9,
	"LANGUAGE": 11, "BLOCKSIZE": 12, "DB_VERSION": 15,
}

var fieldRE = regexp.MustCompile(`([A-Z_]+)=`)

// FileInfo answers GET_DUMPFILE_INFO for a file the simulator may have written: its file
// type and header items. A classic export gets type 2 and no items (what Oracle fills in
// for a classic file is not documented); anything else is type 0.
func FileInfo(r io.Reader) (fileType int, items map[int]string, err error) {
	head := make([]byte, DataPumpHeaderSize)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return FileTypeUnknown, nil, err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, classicHeader):
		return FileTypeClassic, map[int]string{}, nil
	case isDataPumpBlock(head):
		line := head[len(dataPumpMagic):bytes.IndexByte(head, '\n')]
		items = map[int]string{}
		locs := fieldRE.FindAllSubmatchIndex(line, -1)
		for i, l := range locs {
			end := len(line)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			if code, ok := itemCodes[string(line[l[2]:l[3]])]; ok {
				items[code] = string(bytes.TrimSpace(line[l[1]:end]))
			}
		}
		return FileTypeDataPump, items, nil
	}
	return FileTypeUnknown, map[int]string{}, nil
}
