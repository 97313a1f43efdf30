package setverify

// The test binary doubles as the benchmark script's helper (the os/exec helper-process
// pattern): with VK_SETVERIFY_HELPER set it generates a set or verifies one and exits, so
// scripts/bench.sh can time it as a process against sha256sum and unzip -tq on the same files.
//
//	VK_SETVERIFY_HELPER=gen VK_DIR=<set dir> VK_ZIP_BYTES=N VK_DUMP_BYTES=N VK_ZIP_MODE=text|random [VK_ENTRY_BYTES=N]
//	VK_SETVERIFY_HELPER=verify VK_DIR=<set dir> [VK_LEVELS=L1,L2]   prints: ok=… seconds=… vmhwm_kib=…

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func TestMain(m *testing.M) {
	switch os.Getenv("VK_SETVERIFY_HELPER") {
	case "":
		os.Exit(m.Run())
	case "gen":
		if err := helperGen(); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "verify":
		os.Exit(helperVerify())
	default:
		fmt.Fprintln(os.Stderr, "unknown VK_SETVERIFY_HELPER")
		os.Exit(2)
	}
}

func envInt64(name string) int64 {
	n, _ := strconv.ParseInt(os.Getenv(name), 10, 64)
	return n
}

func helperVerify() int {
	dir := os.Getenv("VK_DIR")
	var levels []string
	if l := os.Getenv("VK_LEVELS"); l != "" {
		levels = strings.Split(l, ",")
	}
	start := time.Now()
	rep, err := Verify(context.Background(), dir, levels...)
	secs := time.Since(start).Seconds()
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		return 1
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(os.Stderr, p)
	}
	fmt.Printf("ok=%v seconds=%.3f vmhwm_kib=%d\n", rep.OK, secs, vmHWM())
	if !rep.OK {
		return 1
	}
	return 0
}

// vmHWM is the process's peak resident set size in KiB (Linux), or -1.
func vmHWM() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

// hashedFile writes a file while hashing it.
type hashedFile struct {
	f *os.File
	w *bufio.Writer
	h hash.Hash
	n int64
}

func createHashed(path string) (*hashedFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &hashedFile{f: f, w: bufio.NewWriterSize(f, 1<<20), h: sha256.New()}, nil
}

func (hf *hashedFile) Write(p []byte) (int, error) {
	hf.h.Write(p)
	hf.n += int64(len(p))
	return hf.w.Write(p)
}

func (hf *hashedFile) close(name, role string) (catalog.FileMeta, error) {
	if err := hf.w.Flush(); err != nil {
		return catalog.FileMeta{}, err
	}
	if err := hf.f.Close(); err != nil {
		return catalog.FileMeta{}, err
	}
	return catalog.FileMeta{Name: name, Role: role, Size: hf.n, SHA256: hex.EncodeToString(hf.h.Sum(nil))}, nil
}

var words = strings.Fields(`altium vault component library schematic footprint revision release
project item lifecycle state approved draft obsolete parameter symbol model pcb board layer net
via pad drill gerber bom supplier manufacturer part number datasheet workspace user role`)

// fillText writes n bytes of word salad (compresses about 4:1, like documents and XML).
func fillText(w io.Writer, rng *rand.Rand, n int64) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for n > 0 {
		word := words[rng.IntN(len(words))]
		if int64(len(word)+1) > n {
			word = strings.Repeat("x", int(n-1))
		}
		bw.WriteString(word)
		sep := byte(' ')
		if rng.IntN(12) == 0 {
			sep = '\n'
		}
		bw.WriteByte(sep)
		n -= int64(len(word) + 1)
	}
	return bw.Flush()
}

// fillRandom writes n incompressible bytes.
func fillRandom(w io.Writer, rng *rand.Rand, n int64) error {
	buf := make([]byte, 1<<20)
	for n > 0 {
		for i := 0; i+8 <= len(buf); i += 8 {
			v := rng.Uint64()
			for j := range 8 {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		k := min(n, int64(len(buf)))
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

func helperGen() error {
	dir := os.Getenv("VK_DIR")
	zipBytes, dumpBytes := envInt64("VK_ZIP_BYTES"), envInt64("VK_DUMP_BYTES")
	entryBytes := envInt64("VK_ENTRY_BYTES")
	if entryBytes == 0 {
		entryBytes = 64 << 20
	}
	mode := os.Getenv("VK_ZIP_MODE")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m := &catalog.Meta{ID: filepath.Base(dir), Server: filepath.Base(filepath.Dir(dir)), Policy: "bench",
		Kind: catalog.KindScheduled, Tools: catalog.ToolVersions{Dump: "exp", DumpVersion: "EXPORT:V19.00.00"}}

	zf, err := createHashed(filepath.Join(dir, catalog.FileZip))
	if err != nil {
		return err
	}
	zw := zip.NewWriter(zf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 5) })
	for i := 0; int64(i)*entryBytes < zipBytes; i++ {
		size := min(entryBytes, zipBytes-int64(i)*entryBytes)
		method, fill := zip.Store, fillRandom
		if mode == "text" {
			method, fill = zip.Deflate, fillText
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("FileStorage/%04d/%06d.dat", i/1000, i), Method: method})
		if err != nil {
			return err
		}
		if err := fill(w, rng, size); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fz, err := zf.close(catalog.FileZip, catalog.RoleFiles)
	if err != nil {
		return err
	}

	df, err := createHashed(filepath.Join(dir, catalog.FileDump))
	if err != nil {
		return err
	}
	df.Write([]byte("\x03\x00\xb2EXPORT:V19.00.00\n"))
	if err := fillRandom(df, rng, dumpBytes); err != nil {
		return err
	}
	fd, err := df.close(catalog.FileDump, catalog.RoleDump)
	if err != nil {
		return err
	}
	lf, err := createHashed(filepath.Join(dir, catalog.FileExportLog))
	if err != nil {
		return err
	}
	lf.Write([]byte("Export terminated successfully without warnings.\n"))
	fl, err := lf.close(catalog.FileExportLog, catalog.RoleLog)
	if err != nil {
		return err
	}
	m.Files = []catalog.FileMeta{fz, fd, fl}
	return catalog.WriteMeta(dir, m)
}
