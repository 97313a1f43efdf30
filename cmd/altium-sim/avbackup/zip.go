package avbackup

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

var errPartial = errors.New("backup interrupted")

func backup(env simtool.Env, zipPath string) int {
	gen, _, err := env.Host.FilesGeneration()
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: %v\n", err)
		return 1
	}
	f, err := os.Create(zipPath)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error: cannot create '%s': %v\n", zipPath, err)
		return 1
	}
	defer f.Close()
	var w io.Writer = f
	switch {
	case env.Fault.DiskFull:
		w = &dumpfile.CutWriter{W: f, N: simtool.DiskFullLimit(dirSize(env.Host.FileStorage())), Err: simtool.ErrNoSpace}
	case env.Fault.PartialOutput:
		w = &dumpfile.CutWriter{W: f, N: dirSize(env.Host.FileStorage()) / 4, Err: errPartial}
	}
	fmt.Fprintf(env.Stdout, "Backing up file storage %s to %s ...\n", env.Host.FileStorage(), zipPath)
	n, err := writeZip(w, env.Host.FileStorage(), gen)
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		if errors.Is(err, simtool.ErrNoSpace) {
			fmt.Fprintln(env.Stderr, "Error: There is not enough space on the disk.")
		} else {
			fmt.Fprintf(env.Stderr, "Error: backup failed: %v\n", err)
		}
		return 1
	}
	if env.Fault.CorruptZip {
		if err := corrupt(zipPath); err != nil {
			fmt.Fprintf(env.Stderr, "Error: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(env.Stdout, "Backup completed: %d files, %d bytes.\n", n, fileSize(zipPath))
	return 0
}

// writeZip streams every file under dir into a deflate zip, then the manifest.
func writeZip(w io.Writer, dir string, gen int64) (int, error) {
	zw := zip.NewWriter(w)
	count := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		ew, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Deflate})
		if err != nil {
			return err
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		if _, err := io.Copy(ew, in); err != nil {
			return err
		}
		count++
		return nil
	})
	if err != nil {
		return count, err
	}
	mw, err := zw.Create(ManifestName)
	if err != nil {
		return count, err
	}
	if err := json.NewEncoder(mw).Encode(Manifest{Tool: "avbackup (altium-sim)", Generation: gen, Files: count}); err != nil {
		return count, err
	}
	return count, zw.Close()
}

// corrupt flips bytes in the middle of the file, where compressed data lives.
func corrupt(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("corrupt %q: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("corrupt %q: %w", path, err)
	}
	buf := make([]byte, 64)
	off := st.Size() / 3
	n, _ := f.ReadAt(buf, off)
	for i := range buf[:n] {
		buf[i] ^= 0xA5
	}
	if _, err := f.WriteAt(buf[:n], off); err != nil {
		return fmt.Errorf("corrupt %q: %w", path, err)
	}
	return nil
}

// checkZip reads every entry to its end (checking CRCs) and the manifest.
func checkZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	var m *Manifest
	for _, zf := range zr.File {
		if !safeName(zf.Name) {
			return fmt.Errorf("entry %q escapes the file storage", zf.Name)
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
		if zf.Name == ManifestName {
			m = &Manifest{}
			err = json.NewDecoder(rc).Decode(m)
		} else {
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
		if err != nil {
			return fmt.Errorf("entry %q: %w", zf.Name, err)
		}
	}
	if m == nil {
		return fmt.Errorf("no %s entry", ManifestName)
	}
	return nil
}

func safeName(name string) bool {
	return name != "" && !strings.HasPrefix(name, "/") && !strings.Contains(name, "..") && !strings.Contains(name, `\`)
}

func restore(env simtool.Env, zipPath string) int {
	dir := env.Host.FileStorage()
	tmp := dir + ".restore"
	os.RemoveAll(tmp)
	fmt.Fprintf(env.Stdout, "Restoring file storage %s from %s ...\n", dir, zipPath)
	n, err := extract(zipPath, tmp, env.Fault.PartialOutput)
	if err != nil {
		if env.Fault.PartialOutput {
			os.RemoveAll(dir)
			os.Rename(tmp, dir) // a half-restored storage, as an interrupted tool leaves it
		}
		fmt.Fprintf(env.Stderr, "Error: restore failed: %v\n", err)
		return 1
	}
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintf(env.Stderr, "Error: cannot replace '%s': %v\n", dir, err)
		return 1
	}
	if err := os.Rename(tmp, dir); err != nil {
		fmt.Fprintf(env.Stderr, "Error: cannot replace '%s': %v\n", dir, err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "Restore completed: %d files.\n", n)
	return 0
}

func extract(zipPath, dest string, partial bool) (int, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	var m Manifest
	count := 0
	for i, zf := range zr.File {
		if partial && i >= len(zr.File)/2 {
			return count, errPartial
		}
		rc, err := zf.Open()
		if err != nil {
			return count, err
		}
		if zf.Name == ManifestName {
			err = json.NewDecoder(rc).Decode(&m)
			rc.Close()
			if err != nil {
				return count, err
			}
			continue
		}
		err = writeEntry(filepath.Join(dest, filepath.FromSlash(zf.Name)), rc)
		rc.Close()
		if err != nil {
			return count, err
		}
		count++
	}
	// The storage's generation is the one the zip was taken at.
	return count, os.WriteFile(filepath.Join(dest, ".generation"), []byte(fmt.Sprintf("%d\n", m.Generation)), 0o644)
}

func writeEntry(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
