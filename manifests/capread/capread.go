package capread

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge matches every *TooLargeError (errors.Is).
var ErrTooLarge = errors.New("file is too large")

// TooLargeError is a file over its limit.
type TooLargeError struct {
	// Name is the file as the caller named it.
	Name string
	// Size is the file's size in bytes, or -1 when only "more than Limit" is known.
	Size int64
	// Limit is the largest size accepted, in bytes.
	Limit int64
}

func (e *TooLargeError) Error() string {
	size := "more than " + FormatSize(e.Limit)
	if e.Size >= 0 {
		size = FormatSize(e.Size)
	}
	return fmt.Sprintf("%s: file is too large: %s, the limit is %s", e.Name, size, FormatSize(e.Limit))
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// ReadFile reads the file name, refusing it when it is larger than limit bytes.
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f, name, limit)
}

// ReadFS is ReadFile over fsys.
func ReadFS(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f, name, limit)
}

// read refuses f from its size when it is a regular file, and otherwise reads at most
// limit+1 bytes.
func read(f fs.File, name string, limit int64) ([]byte, error) {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, &TooLargeError{Name: name, Size: fi.Size(), Limit: limit}
	}
	return Read(f, name, limit)
}

// Read reads r to its end, refusing it after limit bytes.
func Read(r io.Reader, name string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Name: name, Size: -1, Limit: limit}
	}
	return data, nil
}

// FormatSize writes n in the largest binary unit that divides it evenly below 10 of the
// next ("1 MiB", "1536 KiB"), or with one decimal when it is not a whole number of KiB
// ("23.4 MiB"); small sizes are in bytes.
func FormatSize(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	u, v := 0, n
	for v%1024 == 0 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u > 0 && v < 10*1024 {
		return fmt.Sprintf("%d %s", v, units[u])
	}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}
