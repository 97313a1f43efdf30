package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// writeTestSet writes a valid set: a zip of one entry, a classic dump header, a good log.
func writeTestSet(t *testing.T, zipBytes []byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "aes-prod", "20260101T020000Z")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		catalog.FileZip:       zipBytes,
		catalog.FileDump:      []byte("\x03\x00\xb2EXPORT:V19.00.00\nDAESUSER\n"),
		catalog.FileExportLog: []byte("Export terminated successfully without warnings.\n"),
	}
	m := &catalog.Meta{ID: "20260101T020000Z", Server: "aes-prod", Policy: "nightly", Tools: catalog.ToolVersions{Dump: "exp"}}
	for name, role := range map[string]string{catalog.FileZip: catalog.RoleFiles, catalog.FileDump: catalog.RoleDump, catalog.FileExportLog: catalog.RoleLog} {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(files[name])
		m.Files = append(m.Files, catalog.FileMeta{Name: name, Role: role, Size: int64(len(files[name])), SHA256: hex.EncodeToString(sum[:])})
	}
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir
}

func testZip(t *testing.T, body string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "FileStorage/a.txt", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(body))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerifyCmd(t *testing.T) {
	good := writeTestSet(t, testZip(t, "hello vault"))
	badZip := testZip(t, "hello vault")
	badZip[bytes.Index(badZip, []byte("hello"))] = 'j' // CRC no longer matches
	bad := writeTestSet(t, badZip)
	tampered := writeTestSet(t, testZip(t, "hello vault"))
	os.WriteFile(filepath.Join(tampered, catalog.FileExportLog), []byte("Export terminated unsuccessfully\n"), 0o644)

	tests := []struct {
		name   string
		args   []string
		code   int
		outHas []string
		errHas string
	}{
		{name: "good", args: []string{good}, outHas: []string{"OK   L1", "OK   L2"}},
		{name: "good json", args: []string{good, "-o", "json"}, outHas: []string{`"ok": true`}},
		{name: "zip CRC", args: []string{bad}, code: 1,
			outHas: []string{"FAIL L2", `L2 files.zip: entry "FileStorage/a.txt": zip: checksum error`}, errHas: "files.zip"},
		{name: "log changed", args: []string{tampered}, code: 1,
			outHas: []string{"L1 oracle-export.log: size", "L2 oracle-export.log: export failed"}, errHas: "oracle-export.log"},
		{name: "L1 only", args: []string{bad, "--level", "L1"}, outHas: []string{"OK   L1"}},
		{name: "not a set", args: []string{t.TempDir()}, code: 1, errHas: "not a backup set"},
		{name: "no dir", args: nil, code: 2, errHas: "SETDIR"},
		{name: "bad level", args: []string{good, "--level", "L9"}, code: 2, errHas: "L9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, code, err := execCmd(t, newVerifyCmd, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s", code, err, tc.code, out)
			}
			for _, s := range tc.outHas {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)) {
				t.Errorf("error %v does not mention %q", err, tc.errHas)
			}
		})
	}
}

func TestVerifyCmdJSONAndRecord(t *testing.T) {
	dir := writeTestSet(t, testZip(t, "x"))
	out, code, err := execCmd(t, newVerifyCmd, "", dir, "-o", "json", "--record")
	if code != 0 {
		t.Fatalf("exit %d: %v", code, err)
	}
	var rep setverify.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.OK || len(rep.Levels) != 2 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	m, err := catalog.ReadMeta(dir)
	if err != nil || !m.Verified() {
		t.Fatalf("--record did not mark the set verified: %+v %v", m, err)
	}
}
