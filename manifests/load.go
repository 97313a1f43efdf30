package manifests

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// LoadDir loads the revision rooted at dir: Load(os.DirFS(dir)).
func LoadDir(dir string) (*Set, error) {
	return Limits{}.LoadDir(dir)
}

// LoadFile loads a single YAML file as a revision of its own: its references must resolve
// within it. Errors name the file by its base name.
func LoadFile(file string) (*Set, error) {
	return Limits{}.LoadFile(file)
}

// Load decodes every *.yaml and *.yml file under the root of fsys (recursively, skipping
// folders whose name starts with a dot such as .git), applies defaults and validates the
// whole revision. When anything is invalid the error is an ErrorList with every problem;
// other errors (the root cannot be read) are returned as such. The set is nil on error.
//
// Files over DefaultMaxFileSize and revisions over DefaultMaxRevisionSize are refused
// (Limits.Load sets other limits).
func Load(fsys fs.FS) (*Set, error) { return Limits{}.Load(fsys) }

// listFiles lists the manifest files of fsys.
func listFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && strings.HasPrefix(e.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		switch strings.ToLower(path.Ext(p)) {
		case ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("manifests: list files: %w", err)
	}
	return files, nil
}

type decoded struct {
	objs []Object
	errs ErrorList
}

// loadFiles decodes the files concurrently and assembles the set in file order.
func loadFiles(fsys fs.FS, files []string, lim Limits) (*Set, error) {
	results := make([]decoded, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Go(func() {
			for i := range next {
				data, err := capread.ReadFS(fsys, files[i], lim.File)
				if errors.Is(err, capread.ErrTooLarge) { // grew since it was measured
					results[i].errs = ErrorList{{File: files[i], Message: fmt.Sprintf("file is too large: more than %s (--max-manifest-size)", capread.FormatSize(lim.File))}}
					continue
				}
				if err != nil {
					results[i].errs = ErrorList{{File: files[i], Message: fmt.Sprintf("read: %v", err)}}
					continue
				}
				results[i].objs, results[i].errs = Decode(files[i], data)
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	set := &Set{}
	var errs ErrorList
	for _, r := range results {
		for _, o := range r.objs {
			SetDefaults(o)
			set.Add(o)
		}
		errs = append(errs, r.errs...)
	}
	errs = append(errs, suppressCascades(Validate(set), errs)...)
	if len(errs) == 0 {
		return set, nil
	}
	sortErrors(errs)
	return nil, errs
}

// suppressCascades drops validation errors at, below or above a field that already failed
// to decode: a field of the wrong type is left unset and would be reported again as missing,
// and a rule over a group of fields (at least one keep rule) would count it as absent.
func suppressCascades(valid, decodeErrs ErrorList) ErrorList {
	if len(decodeErrs) == 0 {
		return valid
	}
	type key struct {
		file string
		doc  int
	}
	failed := map[key][]string{}
	for _, e := range decodeErrs {
		if e.Field != "" {
			k := key{e.File, e.doc}
			failed[k] = append(failed[k], e.Field)
		}
	}
	out := valid[:0]
next:
	for _, e := range valid {
		for _, f := range failed[key{e.File, e.doc}] {
			if related(e.Field, f) {
				continue next
			}
		}
		out = append(out, e)
	}
	return out
}

// related reports whether one field path is the other or contains it.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || strings.HasPrefix(b, a+".") || strings.HasPrefix(b, a+"[")
}
