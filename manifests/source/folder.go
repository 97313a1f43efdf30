package source

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxDebounceWaits caps how long a stream of events can postpone a change: after this many
// debounce windows since the first event of a burst, the change fires anyway.
const maxDebounceWaits = 10

type folderSource struct {
	dir, path string
	root      string // dir/path: what is watched and digested
	debounce  time.Duration
	log       *slog.Logger
	w         *fsnotify.Watcher
	changes   chan struct{}
	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once

	mu   sync.Mutex
	last string // ID returned by the last Fetch, "" before the first

	// observe, when set (by tests), is told of every event the loop handled: its path, whether
	// it was ignored, and whether a change is pending afterwards.
	observe func(name string, ignored, pending bool)
}

// NewFolder returns a source reading the manifests from a local folder dir (its path
// subfolder). The folder is watched recursively; a burst of events within debounce (0 means
// DefaultDebounce) makes one value on Changes.
func NewFolder(dir, path string, debounce time.Duration, log *slog.Logger) (Source, error) {
	f, err := newFolder(dir, path, debounce, log, nil)
	if err != nil {
		return nil, err // not a nil *folderSource in a non-nil Source
	}
	return f, nil
}

func newFolder(dir, path string, debounce time.Duration, log *slog.Logger, observe func(name string, ignored, pending bool)) (*folderSource, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("source folder %q: %w", dir, err)
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	root := filepath.Join(abs, filepath.FromSlash(path))
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("source folder %q: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("source folder %q: not a folder", root)
	}
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching source folder %q: %w", root, err)
	}
	f := &folderSource{
		dir: abs, path: path, root: root, debounce: debounce,
		log: orDiscard(log).With("source", abs), w: w,
		changes: make(chan struct{}, 1), done: make(chan struct{}), observe: observe,
	}
	if err := f.watchTree(root); err != nil {
		_ = w.Close()
		return nil, err
	}
	f.wg.Add(1)
	go f.loop()
	return f, nil
}

// watchTree adds a watch on dir and every folder below it, skipping dot-folders.
func (f *folderSource) watchTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && os.IsNotExist(err) {
				return nil // removed while walking
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != f.root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := f.w.Add(p); err != nil {
			return fmt.Errorf("watching %q: %w", p, err)
		}
		return nil
	})
}

// ignored reports events that cannot change the digest: dot-files and dot-folders, editor
// backups (name~) and attribute-only changes.
func (f *folderSource) ignored(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return true
	}
	rel, err := filepath.Rel(f.root, ev.Name)
	if err != nil {
		return false
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(part, ".") && part != "." && part != ".." {
			return true
		}
	}
	return strings.HasSuffix(ev.Name, "~")
}

func (f *folderSource) loop() {
	defer f.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var pending <-chan time.Time
	var first time.Time
	for {
		select {
		case <-f.done:
			timer.Stop()
			return
		case ev, ok := <-f.w.Events:
			if !ok {
				return
			}
			if f.ignored(ev) {
				f.note(ev.Name, true, pending != nil)
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					if err := f.watchTree(ev.Name); err != nil {
						f.log.Warn("watching new folder", "dir", ev.Name, "err", err)
					}
				}
			}
			now := time.Now()
			if pending == nil {
				first = now
				timer.Reset(f.debounce)
				pending = timer.C
			} else if now.Sub(first) < maxDebounceWaits*f.debounce {
				timer.Reset(f.debounce)
			}
			f.note(ev.Name, false, true)
		case err, ok := <-f.w.Errors:
			if !ok {
				return
			}
			f.log.Warn("folder watch error", "err", err)
		case <-pending:
			pending = nil
			select {
			case f.changes <- struct{}{}:
			default: // one is already waiting: the reader will fetch anyway
			}
		}
	}
}

func (f *folderSource) note(name string, ignored, pending bool) {
	if f.observe != nil {
		f.observe(name, ignored, pending)
	}
}

// Changes implements Source. The channel is never closed.
func (f *folderSource) Changes() <-chan struct{} { return f.changes }

// Fetch implements Source: the ID is a digest of the YAML files, so edits that leave them
// as they were report changed=false.
func (f *folderSource) Fetch(ctx context.Context) (Revision, bool, error) {
	id, newest, err := digestFolder(ctx, f.root)
	if err != nil {
		return Revision{}, false, err
	}
	f.mu.Lock()
	changed := f.last != id
	f.last = id
	f.mu.Unlock()
	return Revision{ID: id, Dir: f.dir, Path: f.path, Time: newest}, changed, nil
}

// Close implements Source.
func (f *folderSource) Close() error {
	var err error
	f.closeOnce.Do(func() {
		close(f.done)
		err = f.w.Close()
		f.wg.Wait()
	})
	return err
}
