package setverify

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

const (
	storedContent = "STORED-ENTRY-CONTENT-0123456789"
	goodExpLog    = "Export done in WE8MSWIN1252 character set and AL16UTF16 NCHAR character set\n" +
		". . exporting table                           DEPT          4 rows exported\n" +
		"Export terminated successfully without warnings.\n"
)

type zipEntry struct {
	name   string
	body   string
	method uint16
}

func defaultEntries() []zipEntry {
	return []zipEntry{
		{"FileStorage/a.txt", strings.Repeat("altium vault data ", 2000), zip.Deflate},
		{"FileStorage/sub/b.bin", strings.Repeat("b", 100000), zip.Deflate},
		{"FileStorage/c.txt", storedContent, zip.Store},
		{"FileStorage/dir/", "", zip.Store},
	}
}

func makeZip(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method, Modified: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func classicDump() []byte {
	return append([]byte("\x03\x00\xb2EXPORT:V19.00.00\nDAESUSER313\nRUSERS\n"), bytes.Repeat([]byte{0, 1, 2, 3}, 1000)...)
}

// makeSet writes a good set into a fresh `<dest>/aes-prod/<id>` folder and returns it.
func makeSet(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "aes-prod", "20260101T020000Z")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, catalog.FileZip, makeZip(t, defaultEntries()))
	write(t, dir, catalog.FileDump, classicDump())
	write(t, dir, catalog.FileExportLog, []byte(goodExpLog))
	m := &catalog.Meta{ID: "20260101T020000Z", Server: "aes-prod", Policy: "nightly", Kind: catalog.KindScheduled,
		Tools: catalog.ToolVersions{Dump: "exp", DumpVersion: "EXPORT:V19.00.00"},
		Files: []catalog.FileMeta{{Name: catalog.FileZip, Role: catalog.RoleFiles},
			{Name: catalog.FileDump, Role: catalog.RoleDump}, {Name: catalog.FileExportLog, Role: catalog.RoleLog}}}
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	rehash(t, dir)
	return dir
}

func write(t testing.TB, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rehash records the current size and SHA-256 of every listed file, so a test can break a
// file's structure without L1 noticing.
func rehash(t testing.TB, dir string) {
	t.Helper()
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		m.Files[i].Size, m.Files[i].SHA256 = int64(len(b)), hex.EncodeToString(sum[:])
	}
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}

func editMeta(t testing.TB, dir string, fn func(*catalog.Meta)) {
	t.Helper()
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	fn(m)
	if err := catalog.WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}
