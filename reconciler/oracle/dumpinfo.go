package oracle

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// File types DBMS_DATAPUMP.GET_DUMPFILE_INFO returns (0-2: the package specification's
// comment in dbmsdp.sql; 3: later releases).
const (
	FileTypeUnknown       = 0
	FileTypeDataPump      = 1
	FileTypeClassic       = 2
	FileTypeExternalTable = 3
)

// Item codes of ku$_dumpfile_info (DBMS_DATAPUMP.KU$_DFHDR_*) vaultkeeper names.
const (
	ItemFileVersion = 1  // KU$_DFHDR_FILE_VERSION
	ItemCharsetID   = 5  // KU$_DFHDR_CHARSET_ID
	ItemJobName     = 8  // KU$_DFHDR_JOB_NAME
	ItemPlatform    = 9  // KU$_DFHDR_PLATFORM
	ItemLanguage    = 11 // KU$_DFHDR_LANGUAGE
	ItemDBVersion   = 15 // KU$_DFHDR_DB_VERSION
)

// DumpfileInfo is what the database says about one file in a directory object
// (DBMS_DATAPUMP.GET_DUMPFILE_INFO): its file type and the header items it reports.
type DumpfileInfo struct {
	File     string
	FileType int
	Items    map[int]string
}

// TypeName names the file type as Oracle's documentation does.
func (i DumpfileInfo) TypeName() string {
	switch i.FileType {
	case FileTypeDataPump:
		return "Data Pump dump file"
	case FileTypeClassic:
		return "classic export file"
	case FileTypeExternalTable:
		return "external table file"
	}
	return "unknown file type"
}

// String lists the file type and the named header items, for logs and errors.
func (i DumpfileInfo) String() string {
	parts := []string{fmt.Sprintf("%s (file type %d)", i.TypeName(), i.FileType)}
	for _, it := range []struct {
		code int
		name string
	}{{ItemFileVersion, "file version"}, {ItemDBVersion, "database version"}, {ItemJobName, "job"},
		{ItemPlatform, "platform"}, {ItemCharsetID, "character set id"}, {ItemLanguage, "language"}} {
		if v := i.Items[it.code]; v != "" {
			parts = append(parts, it.name+" "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// CheckDataPump errors unless the database identified the file as a Data Pump dump file.
func (i DumpfileInfo) CheckDataPump() error {
	if i.FileType != FileTypeDataPump {
		return fmt.Errorf("%s is not a Data Pump dump file: DBMS_DATAPUMP.GET_DUMPFILE_INFO reports %s; impdp would fail (ORA-39143)", i.File, i)
	}
	return nil
}

// DumpfileInfo asks the database what file is (DBMS_DATAPUMP.GET_DUMPFILE_INFO on file in
// directory object dir): the authoritative identification of a dump before impdp, with
// no byte of the file read by vaultkeeper.
func (c *Client) DumpfileInfo(ctx context.Context, dir, file string) (DumpfileInfo, error) {
	s, err := sqlgen.DumpfileInfo(dir, file)
	if err != nil {
		return DumpfileInfo{}, err
	}
	rows, err := c.query(ctx, s)
	if err != nil {
		return DumpfileInfo{}, fmt.Errorf("dump file info of %s in directory %s: %w", file, strings.ToUpper(dir), err)
	}
	info, err := parseDumpfileInfo(file, rows)
	if err != nil {
		return DumpfileInfo{}, fmt.Errorf("dump file info of %s in directory %s: %w", file, strings.ToUpper(dir), err)
	}
	return info, nil
}

// parseDumpfileInfo reads the block's rows: "FILETYPE|n" first, then "code|value".
func parseDumpfileInfo(file string, rows [][]string) (DumpfileInfo, error) {
	info := DumpfileInfo{File: file, FileType: -1, Items: map[int]string{}}
	for _, r := range rows {
		if len(r) < 2 {
			return info, fmt.Errorf("unexpected line %q", r)
		}
		val := strings.Join(r[1:], "|")
		if r[0] == "FILETYPE" {
			n, err := strconv.Atoi(val)
			if err != nil {
				return info, fmt.Errorf("file type %q: %w", val, err)
			}
			info.FileType = n
			continue
		}
		code, err := strconv.Atoi(r[0])
		if err != nil {
			return info, fmt.Errorf("item code %q: %w", r[0], err)
		}
		info.Items[code] = val
	}
	if info.FileType < 0 {
		return info, fmt.Errorf("no file type in the answer %q", rows)
	}
	return info, nil
}
