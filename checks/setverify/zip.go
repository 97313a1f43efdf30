package setverify

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

const (
	// readBufSize is the size of each worker's read buffer and of the buffered reader under
	// each decompressor (few, large ReadAt calls on the zip file).
	readBufSize = 256 << 10
	// maxZipProblems stops listing bad entries after this many.
	maxZipProblems = 20
)

// checkZip reads the central directory and decompresses every entry, checking its CRC-32
// and size (archive/zip does both at EOF), in parallel.
func checkZip(ctx context.Context, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return []string{err.Error()}
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return []string{"central directory: " + err.Error()}
	}
	zr.RegisterDecompressor(zip.Deflate, newFlateReader)

	if len(zr.File) == 0 {
		return []string{"no entries"}
	}
	// Bad entries are reported in central-directory order, whatever order workers finish in.
	var (
		mu  sync.Mutex
		bad = map[int]string{}
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(len(zr.File), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			buf := make([]byte, readBufSize)
			for i := range jobs {
				if why := checkEntry(ctx, zr.File[i], buf); why != "" {
					mu.Lock()
					bad[i] = why
					mu.Unlock()
				}
			}
		})
	}
	for i := range zr.File {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var probs []string
	for i, e := range zr.File {
		why, ok := bad[i]
		if !ok {
			continue
		}
		if len(probs) == maxZipProblems {
			probs = append(probs, fmt.Sprintf("%d more bad entries not listed", len(bad)-maxZipProblems))
			break
		}
		probs = append(probs, fmt.Sprintf("entry %q: %s", e.Name, why))
	}
	return probs
}

// checkEntry returns why entry e is bad, or "".
func checkEntry(ctx context.Context, e *zip.File, buf []byte) string {
	if !safeEntryName(e.Name) {
		return "name escapes the archive's folder"
	}
	rc, err := e.Open()
	if err != nil {
		return err.Error()
	}
	defer rc.Close()
	for {
		if ctx.Err() != nil {
			return ctx.Err().Error()
		}
		_, err := rc.Read(buf)
		if err == io.EOF {
			return ""
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return "truncated or wrong size: " + err.Error()
			}
			return err.Error() // zip.ErrChecksum: "zip: checksum error"
		}
	}
}

// safeEntryName rejects absolute names, drive letters and ".." components, with either slash.
func safeEntryName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || strings.ContainsRune(name, 0) {
		return false
	}
	if len(name) >= 2 && name[1] == ':' {
		return false
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return false
		}
	}
	return true
}

// pooledFlate is a reusable decompressor with a large buffered reader under it.
type pooledFlate struct {
	br *bufio.Reader
	fr io.ReadCloser
}

var flatePool sync.Pool

func newFlateReader(r io.Reader) io.ReadCloser {
	p, _ := flatePool.Get().(*pooledFlate)
	if p == nil {
		br := bufio.NewReaderSize(r, readBufSize)
		p = &pooledFlate{br: br, fr: flate.NewReader(br)}
	} else {
		p.br.Reset(r)
		if err := p.fr.(flate.Resetter).Reset(p.br, nil); err != nil {
			p = &pooledFlate{br: p.br, fr: flate.NewReader(p.br)}
		}
	}
	return &flateReadCloser{p: p}
}

type flateReadCloser struct{ p *pooledFlate }

func (f *flateReadCloser) Read(b []byte) (int, error) {
	if f.p == nil {
		return 0, errors.New("read after close")
	}
	return f.p.fr.Read(b)
}

func (f *flateReadCloser) Close() error {
	if f.p == nil {
		return nil
	}
	err := f.p.fr.Close()
	f.p.br.Reset(nil)
	flatePool.Put(f.p)
	f.p = nil
	return err
}
