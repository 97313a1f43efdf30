package setverify

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// DumpKind is what a dump file's first bytes say it is.
type DumpKind string

// Dump kinds.
const (
	DumpClassic  DumpKind = "exp"   // classic export: 0x03, charset id, "EXPORT:V…"
	DumpDataPump DumpKind = "expdp" // Data Pump: no documented magic; recognised by elimination
	DumpUnknown  DumpKind = ""
)

var classicVersion = regexp.MustCompile(`^EXPORT:V\d{2}\.\d{2}\.\d{2}`)

// DumpHeader is what the first bytes of a dump say.
type DumpHeader struct {
	Kind      DumpKind
	CharsetID uint16 // classic only, e.g. 178 (WE8MSWIN1252)
	Version   string // classic only, e.g. EXPORT:V19.00.00
	Reason    string // why the kind is unknown
}

// IdentifyDump reads the header of a dump. A classic export starts with byte 0x03, a
// big-endian character-set id and "EXPORT:Vnn.nn.nn". Oracle documents no magic for Data
// Pump files, so anything non-empty that is neither a classic header, nor a zip, gzip or
// text file, is taken as Data Pump.
func IdentifyDump(head []byte) DumpHeader {
	switch {
	case len(head) == 0:
		return DumpHeader{Reason: "empty file"}
	case head[0] == 0x03 && len(head) >= 11 && bytes.HasPrefix(head[3:], []byte("EXPORT:V")):
		v := classicVersion.Find(head[3:])
		if v == nil {
			return DumpHeader{Reason: fmt.Sprintf("classic export header with an unreadable version %q", head[3:min(len(head), 19)])}
		}
		return DumpHeader{Kind: DumpClassic, CharsetID: binary.BigEndian.Uint16(head[1:3]), Version: string(v)}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("\x1f\x8b")):
		return DumpHeader{Reason: "a zip or gzip file, not an Oracle dump"}
	case isText(head):
		return DumpHeader{Reason: "a text file, not an Oracle dump"}
	}
	return DumpHeader{Kind: DumpDataPump}
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}

// checkDump checks that the dump's header is the kind (and version) the record names.
func checkDump(path string, tools catalog.ToolVersions) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return []string{err.Error()}
	}
	h := IdentifyDump(head[:n])
	switch {
	case h.Kind == DumpUnknown:
		return []string{"not an Oracle dump: " + h.Reason}
	case tools.Dump != "" && string(h.Kind) != tools.Dump:
		return []string{fmt.Sprintf("header says %s, %s says %s", h.Kind, catalog.FileMetadata, tools.Dump)}
	case h.Kind == DumpClassic && tools.DumpVersion != "" && h.Version != tools.DumpVersion:
		return []string{fmt.Sprintf("header version %s, %s says %s", h.Version, catalog.FileMetadata, tools.DumpVersion)}
	}
	return nil
}
