package host

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DocReader returns a deterministic document stream of size bytes named by seed.
func DocReader(seed string, size int64) io.Reader {
	var x uint64 = 1469598103934665603
	for i := 0; i < len(seed); i++ {
		x = (x ^ uint64(seed[i])) * 1099511628211
	}
	header := "ALTIUM-SIM DOCUMENT " + seed + "\n"
	if int64(len(header)) > size {
		header = header[:size]
	}
	return io.MultiReader(strings.NewReader(header), io.LimitReader(&prng{x: x | 1}, size-int64(len(header))))
}

type prng struct{ x uint64 }

func (p *prng) Read(b []byte) (int, error) {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 \n"
	for i := range b {
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		b[i] = alphabet[p.x%uint64(len(alphabet))]
	}
	return len(b), nil
}

// docPath names generated document i.
func docPath(i int) string {
	kinds := []string{"SchDoc", "PcbDoc", "PrjPcb", "SchLib", "PcbLib", "OutJob"}
	return filepath.Join("Repositories", fmt.Sprintf("Project%03d", i/20), fmt.Sprintf("Doc%05d.%s", i, kinds[i%len(kinds)]))
}

// GenerateStorage writes n documents of about size bytes each, streaming.
func (h Host) GenerateStorage(n int, size int64) error {
	for i := 0; i < n; i++ {
		rel := docPath(i)
		if err := writeStream(filepath.Join(h.FileStorage(), rel), DocReader(filepath.ToSlash(rel), size)); err != nil {
			return err
		}
	}
	return nil
}

func writeStream(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder for %q: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %q: %w", path, err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %q: %w", path, err)
	}
	return nil
}

// FilesGeneration reads FileStorage/.generation (ok false when it is missing).
func (h Host) FilesGeneration() (int64, bool, error) {
	raw, err := os.ReadFile(h.GenerationFile())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read files generation %q: %w", h.GenerationFile(), err)
	}
	g, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("parse files generation %q: %w", h.GenerationFile(), err)
	}
	return g, true, nil
}

// ActivityDoc is the document the application writes at generation gen.
func ActivityDoc(gen int64) string {
	return filepath.Join("Activity", fmt.Sprintf("rev-%08d.txt", gen))
}

// WriteFilesGeneration is the application writing to the file storage: it adds the
// activity document of gen, then stamps gen into FileStorage/.generation.
func (h Host) WriteFilesGeneration(gen int64) error {
	rel := ActivityDoc(gen)
	if err := writeStream(filepath.Join(h.FileStorage(), rel), DocReader(filepath.ToSlash(rel), 512)); err != nil {
		return err
	}
	return writeFileAtomic(h.GenerationFile(), []byte(strconv.FormatInt(gen, 10)+"\n"), 0o644)
}
