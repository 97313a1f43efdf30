package capread

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1 << 20: "1 MiB", 16 << 20: "16 MiB",
		1536 << 10: "1536 KiB", 1<<20 + 1: "1.0 MiB", 23_456_789: "22.4 MiB", 3 << 30: "3 GiB",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// neverRead fails the test if anything reads it: a file refused from its size.
type neverRead struct{ t *testing.T }

func (n neverRead) Read([]byte) (int, error) {
	n.t.Error("the file was read although its size was known")
	return 0, io.EOF
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	os.WriteFile(small, []byte("12345"), 0o600)
	exact := filepath.Join(dir, "exact.yaml")
	os.WriteFile(exact, []byte("123456"), 0o600)
	big := filepath.Join(dir, "big.yaml")
	// A sparse 1 GiB file: refused from its size in no time, whatever the disk.
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if b, err := ReadFile(small, 6); err != nil || string(b) != "12345" {
		t.Errorf("small: %q, %v", b, err)
	}
	if b, err := ReadFile(exact, 6); err != nil || string(b) != "123456" {
		t.Errorf("exactly at the limit: %q, %v", b, err)
	}
	start := time.Now()
	_, err = ReadFile(big, 1<<20)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("refusing a 1 GiB file took %v", took)
	}
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Size != 1<<30 {
		t.Fatalf("big: %v", err)
	}
	want := big + ": file is too large: 1 GiB, the limit is 1 MiB"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 6); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestReadStream(t *testing.T) {
	// No size known (a pipe, a file growing): at most limit+1 bytes are read.
	r := io.MultiReader(strings.NewReader(strings.Repeat("x", 11)), neverRead{t})
	_, err := Read(r, "pipe", 10)
	if !errors.Is(err, ErrTooLarge) || err.Error() != "pipe: file is too large: more than 10 bytes, the limit is 10 bytes" {
		t.Fatalf("stream: %v", err)
	}
}

func TestReadFS(t *testing.T) {
	fsys := fstest.MapFS{"a/m.yaml": {Data: []byte(strings.Repeat("y", 100))}}
	if _, err := ReadFS(fsys, "a/m.yaml", 99); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "a/m.yaml: file is too large: 100 bytes") {
		t.Fatalf("ReadFS: %v", err)
	}
	if b, err := ReadFS(fsys, "a/m.yaml", 100); err != nil || len(b) != 100 {
		t.Fatalf("ReadFS at the limit: %d, %v", len(b), err)
	}
}
