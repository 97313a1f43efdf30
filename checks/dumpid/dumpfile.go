package dumpid

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
)

// Kind is what a file is.
type Kind int

// Kinds.
const (
	Unknown Kind = iota
	Classic
	DataPump
)

func (k Kind) String() string { return [...]string{"unknown", "classic export", "Data Pump"}[k] }

// ErrTruncated is returned (wrapped) by Check for a dump known to be cut short.
var ErrTruncated = errors.New("dump file is truncated")

// Info describes a dump file.
type Info struct {
	Kind Kind
	// Certain is false when Kind was decided by elimination.
	Certain bool
	// Version is the exporter ("EXPORT:V19.00.00"); "" when not known.
	Version string
	// CharsetID is the classic header's character-set id, and Charset its name when known.
	CharsetID int
	Charset   string
	// Simulated is true for files altium-sim wrote (they carry its marker).
	Simulated bool
	// Trailer reports whether the file ends with "EXIT\nEXIT\n".
	Trailer bool
	// Truncated is true only when truncation is known (a simulated file without trailer).
	Truncated bool
	Size      int64
	// Note says how the kind was decided, for people.
	Note string
}

// Charsets names common Oracle character-set ids.
var Charsets = map[int]string{
	1: "US7ASCII", 31: "WE8ISO8859P1", 46: "WE8ISO8859P15", 170: "EE8MSWIN1250", 171: "CL8MSWIN1251",
	178: "WE8MSWIN1252", 832: "JA16SJIS", 852: "ZHS16GBK", 871: "UTF8", 873: "AL32UTF8", 2000: "AL16UTF16",
}

var (
	versionRE = regexp.MustCompile(`^EXPORT:V\d{2}\.\d{2}\.\d{2}\n`)
	simMarker = []byte("\nSIMDUMP 1\n")
	trailer   = []byte("EXIT\nEXIT\n")
)

// Identify reads the head and tail of the file at path.
func Identify(path string) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("identify dump: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Info{}, fmt.Errorf("identify dump %q: %w", path, err)
	}
	info, err := IdentifyReader(f, fi.Size())
	if err != nil {
		return info, fmt.Errorf("identify dump %q: %w", path, err)
	}
	return info, nil
}

// IdentifyReader identifies the size bytes of r.
func IdentifyReader(r io.ReaderAt, size int64) (Info, error) {
	info := Info{Size: size}
	head := make([]byte, min(size, 8192))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return info, err
	}
	tail := make([]byte, min(size, int64(len(trailer))))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return info, err
	}
	info.Trailer = bytes.Equal(tail, trailer)
	info.Simulated = bytes.Contains(head, simMarker)
	switch {
	case len(head) > 3 && head[0] == 0x03 && versionRE.Match(head[3:]):
		info.Kind, info.Certain = Classic, true
		info.CharsetID = int(head[1])<<8 | int(head[2])
		info.Charset = Charsets[info.CharsetID]
		info.Version = string(bytes.TrimSpace(versionRE.Find(head[3:])))
		info.Note = "classic export header"
	case size == 0:
		info.Note = "empty file"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		info.Note = "a zip archive, not a dump"
	case bytes.HasPrefix(head, []byte("\x1f\x8b")):
		info.Note = "a gzip file, not a dump"
	case isText(head):
		info.Note = "text, not a dump"
	case size >= 4096:
		info.Kind = DataPump
		info.Note = "not a classic export; assumed Data Pump by elimination (no documented magic)"
	default:
		info.Note = "too short for a Data Pump file and not a classic export"
	}
	info.Truncated = info.Kind != Unknown && info.Simulated && !info.Trailer
	return info, nil
}

func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20) {
			return false
		}
	}
	return true
}

// Check returns an error unless info is a dump of the wanted kind known not to be
// truncated (Unknown kinds and known truncation fail; an unknowable trailer passes).
func Check(info Info, want Kind) error {
	switch {
	case info.Kind == Unknown:
		return fmt.Errorf("not a dump file: %s", info.Note)
	case info.Kind != want:
		return fmt.Errorf("%s found where a %s was expected (%s)", info.Kind, want, info.Note)
	case info.Truncated:
		return fmt.Errorf("%w: %d bytes and no end-of-dump trailer", ErrTruncated, info.Size)
	}
	return nil
}
