package setverify

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

const warnLog = "EXP-00091: Exporting questionable statistics.\nExport terminated successfully with warnings.\n"

type want struct{ file, level, reason string }

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, dir string)
		want   []want // empty: the set verifies
	}{
		{name: "good set", break_: func(*testing.T, string) {}},
		{
			name: "dump one byte longer",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileDump, append(classicDump(), 0))
			},
			want: []want{{catalog.FileDump, "L1", "size 4040, vaultkeeper.json says 4039"}},
		},
		{
			name: "log changed, same size",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileExportLog, []byte(strings.Replace(goodExpLog, "DEPT", "DEPX", 1)))
			},
			want: []want{{catalog.FileExportLog, "L1", "sha256 "}},
		},
		{
			name:   "missing dump",
			break_: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, catalog.FileDump)) },
			want:   []want{{catalog.FileDump, "L1", "missing"}, {catalog.FileDump, "L2", notExistText()}},
		},
		{
			name:   "extra file",
			break_: func(t *testing.T, dir string) { write(t, dir, "notes.txt", []byte("x")) },
			want:   []want{{"notes.txt", "L1", "extra file"}},
		},
		{
			name: "listed name escapes the folder",
			break_: func(t *testing.T, dir string) {
				editMeta(t, dir, func(m *catalog.Meta) { m.Files = append(m.Files, catalog.FileMeta{Name: "../other", Role: "x"}) })
			},
			want: []want{{"../other", "L1", "not a plain file name"}},
		},
		{
			name: "stored entry corrupted, CRC fails",
			break_: func(t *testing.T, dir string) {
				z := makeZip(t, defaultEntries())
				i := bytes.Index(z, []byte(storedContent))
				z[i+3] ^= 0xff
				write(t, dir, catalog.FileZip, z)
				rehash(t, dir)
			},
			want: []want{{catalog.FileZip, "L2", `entry "FileStorage/c.txt": zip: checksum error`}},
		},
		{
			name: "deflated entry corrupted",
			break_: func(t *testing.T, dir string) {
				z := makeZip(t, defaultEntries())
				zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
				if err != nil {
					t.Fatal(err)
				}
				off, err := zr.File[0].DataOffset()
				if err != nil {
					t.Fatal(err)
				}
				z[off+10] ^= 0x55 // inside the first entry's compressed data
				write(t, dir, catalog.FileZip, z)
				rehash(t, dir)
			},
			want: []want{{catalog.FileZip, "L2", `entry "FileStorage/a.txt": `}},
		},
		{
			name: "entry names that escape",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileZip, makeZip(t, []zipEntry{
					{"ok.txt", "x", zip.Deflate}, {"../evil.txt", "x", zip.Deflate},
					{"/etc/passwd", "x", zip.Store}, {`C:\Windows\x.dll`, "x", zip.Store}, {`a\..\..\b`, "x", zip.Store},
				}))
				rehash(t, dir)
			},
			want: []want{
				{catalog.FileZip, "L2", `entry "../evil.txt": name escapes`},
				{catalog.FileZip, "L2", `entry "/etc/passwd": name escapes`},
				{catalog.FileZip, "L2", `entry "C:\\Windows\\x.dll": name escapes`},
				{catalog.FileZip, "L2", `entry "a\\..\\..\\b": name escapes`},
			},
		},
		{
			name: "zip truncated",
			break_: func(t *testing.T, dir string) {
				z := makeZip(t, defaultEntries())
				write(t, dir, catalog.FileZip, z[:len(z)-30])
				rehash(t, dir)
			},
			want: []want{{catalog.FileZip, "L2", "central directory: zip: not a valid zip file"}},
		},
		{
			name: "dump is not a dump",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileDump, []byte("hello, this is text\n"))
				rehash(t, dir)
			},
			want: []want{{catalog.FileDump, "L2", "not an Oracle dump: text"}},
		},
		{
			name: "record says expdp, header is classic",
			break_: func(t *testing.T, dir string) {
				editMeta(t, dir, func(m *catalog.Meta) { m.Tools.Dump = "expdp" })
			},
			want: []want{
				{catalog.FileDump, "L2", "header says exp, vaultkeeper.json says expdp"},
				{catalog.FileExportLog, "L2", "log is from exp, the set's dump tool is expdp"},
			},
		},
		{
			name: "dump version differs from the record",
			break_: func(t *testing.T, dir string) {
				editMeta(t, dir, func(m *catalog.Meta) { m.Tools.DumpVersion = "EXPORT:V21.00.00" })
			},
			want: []want{{catalog.FileDump, "L2", "header version EXPORT:V19.00.00"}},
		},
		{
			name: "export failed",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileExportLog, []byte("EXP-00056: ORACLE error 1017 encountered\nExport terminated unsuccessfully\n"))
				rehash(t, dir)
			},
			want: []want{{catalog.FileExportLog, "L2", "export failed: dump log rejected: failure: fatal: EXP-00056"}},
		},
		{
			name: "warnings the record allowed pass",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileExportLog, []byte(warnLog))
				editMeta(t, dir, func(m *catalog.Meta) { m.Oracle.Warnings = []string{"EXP-00091"} })
				rehash(t, dir)
			},
		},
		{
			name: "warnings the record did not allow fail",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileExportLog, []byte(warnLog))
				rehash(t, dir)
			},
			want: []want{{catalog.FileExportLog, "L2", "not accepted: EXP-00091"}},
		},
		{
			name: "log truncated",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileExportLog, []byte(goodExpLog[:100]))
				rehash(t, dir)
			},
			want: []want{{catalog.FileExportLog, "L2", "no final verdict"}},
		},
		{
			name: "Data Pump set with LOGTIME prefixes",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileDump, append([]byte("\x00\x01DATAPUMP:V19.00.00\n"), make([]byte, 4096)...))
				write(t, dir, catalog.FileExportLog, []byte("02-MAY-25 14:34:13.660: Starting \"HR\".\"SYS_EXPORT_SCHEMA_01\":  hr/********\r\n"+
					"02-MAY-25 14:35:13.660: Job \"HR\".\"SYS_EXPORT_SCHEMA_01\" successfully completed at Fri May 2 14:35:13 2025 elapsed 0 00:01:00\r\n"))
				editMeta(t, dir, func(m *catalog.Meta) { m.Tools.Dump, m.Tools.DumpVersion = "expdp", "" })
				rehash(t, dir)
			},
		},
		{
			name: "Data Pump job with errors",
			break_: func(t *testing.T, dir string) {
				write(t, dir, catalog.FileDump, append([]byte("\x00\x01DATAPUMP:V19.00.00\n"), make([]byte, 4096)...))
				write(t, dir, catalog.FileExportLog, []byte("Job \"HR\".\"SYS_EXPORT_SCHEMA_01\" completed with 4 error(s) at Thu Mar 17 11:18:17 2022 elapsed 0 00:00:34\n"))
				editMeta(t, dir, func(m *catalog.Meta) { m.Tools.Dump, m.Tools.DumpVersion = "expdp", "" })
				rehash(t, dir)
			},
			want: []want{{catalog.FileExportLog, "L2", "completed with 4 error(s)"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := makeSet(t)
			tc.break_(t, dir)
			rep, err := Verify(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK != (len(tc.want) == 0) || len(rep.Problems) != len(tc.want) {
				t.Fatalf("OK=%v problems=%v, want %v", rep.OK, rep.Problems, tc.want)
			}
			for i, w := range tc.want {
				p := rep.Problems[i]
				if p.File != w.file || p.Level != w.level || !strings.Contains(p.Reason, w.reason) {
					t.Errorf("problem %d = %+v, want %+v", i, p, w)
				}
			}
			if len(rep.Levels) != 2 || rep.Levels[0].Level != "L1" || rep.Levels[1].Level != "L2" {
				t.Fatalf("levels = %+v", rep.Levels)
			}
		})
	}
}

func TestVerifyErrorsAndRecord(t *testing.T) {
	if _, err := Verify(context.Background(), t.TempDir()); !errors.Is(err, catalog.ErrNotASet) {
		t.Fatalf("Verify of a non-set = %v, want ErrNotASet", err)
	}
	dir := makeSet(t)
	if _, err := Verify(context.Background(), dir, "L3"); err == nil {
		t.Fatal("unknown level accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Verify(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with a cancelled context = %v", err)
	}
	rep, err := Verify(context.Background(), dir, "L1")
	if err != nil || !rep.OK || len(rep.Levels) != 1 {
		t.Fatalf("L1 only: %+v, %v", rep, err)
	}
	if err := Record(dir, rep); err != nil {
		t.Fatal(err)
	}
	rep, _ = Verify(context.Background(), dir, "L2")
	if err := Record(dir, rep); err != nil {
		t.Fatal(err)
	}
	m, err := catalog.ReadMeta(dir)
	if err != nil || !m.Verified() || len(m.Verifications) != 2 {
		t.Fatalf("after Record: verified=%v %+v %v", m.Verified(), m.Verifications, err)
	}
	if want := filepath.Dir(filepath.Dir(dir)); m.Verifications[0].Where != want {
		t.Errorf("Where = %q, want %q", m.Verifications[0].Where, want)
	}
	// vaultkeeper.json was rewritten: L1 still passes (it is not a listed file).
	if rep, _ := Verify(context.Background(), dir); !rep.OK {
		t.Fatalf("after Record the set no longer verifies: %v", rep.Problems)
	}
}

// notExistText is this system's text for a missing file ("no such file or directory" on
// Linux, "The system cannot find the file specified." on Windows).
func notExistText() string {
	_, err := os.Open(filepath.Join(os.TempDir(), "vaultkeeper-surely-missing-file"))
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "no such file"
}
