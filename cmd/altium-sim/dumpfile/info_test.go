package dumpfile

import (
	"bufio"
	"bytes"
	"testing"
)

// TestFileInfo: the simulated GET_DUMPFILE_INFO reads back what the export put in the
// header (release, character set, job), a classic file is type 2, anything else type 0;
// and a Data Pump file with any such header still reads as a dump.
func TestFileInfo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  func() []byte
		want  int
		items map[int]string
	}{
		{"data pump 11.2 AL32UTF8", func() []byte {
			var b bytes.Buffer
			if _, err := NewDataPumpWriter(&b, "AESUSER313", DataPumpFields{Release: "11.2", Charset: "AL32UTF8", JobName: "SYS_EXPORT_SCHEMA_02"}); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}, FileTypeDataPump, map[int]string{1: "5.1", 2: "1", 5: "873", 8: "SYS_EXPORT_SCHEMA_02", 9: "x86_64/Linux 2.4.xx", 11: "AL32UTF8", 12: "4096", 15: "11.02.00.00.00"}},
		{"data pump defaults", func() []byte {
			var b bytes.Buffer
			if _, err := NewWriter(&b, DataPump, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}, FileTypeDataPump, map[int]string{5: "178", 8: "SYS_EXPORT_SCHEMA_01", 11: "WE8MSWIN1252", 15: "19.00.00.00.00"}},
		{"classic", func() []byte {
			var b bytes.Buffer
			if _, err := NewWriter(&b, Classic, "AESUSER313"); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}, FileTypeClassic, map[int]string{}},
		{"text", func() []byte { return bytes.Repeat([]byte("text\n"), 2000) }, FileTypeUnknown, map[int]string{}},
		{"short", func() []byte { return []byte("\x00\x01KU$DFHDR FILE_VERSION=5.1\n") }, FileTypeUnknown, map[int]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.file()
			ft, items, err := FileInfo(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if ft != tc.want {
				t.Fatalf("file type %d, want %d", ft, tc.want)
			}
			for k, v := range tc.items {
				if items[k] != v {
					t.Errorf("item %d = %q, want %q (all %v)", k, items[k], v, items)
				}
			}
			if ft == FileTypeUnknown {
				return
			}
			kind, exporter, err := Header(bufio.NewReader(bytes.NewReader(raw)))
			if err != nil || exporter != "AESUSER313" || (kind == DataPump) != (ft == FileTypeDataPump) {
				t.Errorf("Header = %v, %q, %v", kind, exporter, err)
			}
		})
	}
}
