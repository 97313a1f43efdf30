package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// serviceLogFile is the service's log in the state dir; serviceLogMax its size before it is
// rotated to .1 (then .2, .3; older ones are dropped).
const (
	serviceLogFile = "vaultkeeper.log"
	serviceLogMax  = 10 << 20
	serviceLogKeep = 3
)

// rotatingFile appends to path, renaming it to path.1 (and shifting older ones) when it
// would grow past max. A service has no stderr: this is where its log goes.
type rotatingFile struct {
	mu   sync.Mutex
	path string
	max  int64
	keep int
	f    *os.File
	size int64
}

func openRotatingFile(path string, max int64, keep int) (*rotatingFile, error) {
	r := &rotatingFile{path: path, max: max, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log file %s: %w", r.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file %s: %w", r.path, err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.size > 0 && r.size+int64(len(p)) > r.max {
		r.rotate()
	}
	if r.f == nil {
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate shifts path.N to path.N+1 (dropping the oldest) and path to path.1. The file is
// closed first: Windows renames no open file.
func (r *rotatingFile) rotate() {
	r.f.Close()
	r.f = nil
	os.Remove(fmt.Sprintf("%s.%d", r.path, r.keep))
	for i := r.keep - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	os.Rename(r.path, r.path+".1")
	if err := r.open(); err != nil {
		r.f = nil
	}
}

func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

// teeHandler sends each record to every handler that wants its level.
type teeHandler []slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}

// serviceLogger logs everything to the rotating file in stateDir and, through extra (the
// Event Log on Windows), what extra is enabled for.
func serviceLogger(stateDir string, json bool, extra slog.Handler) (*slog.Logger, *rotatingFile, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("state dir %s: %w", stateDir, err)
	}
	f, err := openRotatingFile(filepath.Join(stateDir, serviceLogFile), serviceLogMax, serviceLogKeep)
	if err != nil {
		return nil, nil, err
	}
	hs := teeHandler{newLogger(f, json).Handler()}
	if extra != nil {
		hs = append(hs, extra)
	}
	return slog.New(hs), f, nil
}

// eventLogMax bounds one Event Log message, in bytes of UTF-8 (never fewer than its UTF-16
// characters): ReportEvent limits each string to 31,839 characters
// (https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-reporteventw; .NET
// measured 31,718 on Windows 10, dotnet/dotnet-api-docs#9999), and a longer one is lost whole.
const eventLogMax = 31000

// sinkHandler formats warnings and errors as text lines (no time: the Event Log stamps its
// own) with every attribute and group the logger was given (logger.With), and hands each to
// sink with its level. The Event Log on Windows is such a sink.
type sinkHandler struct {
	text slog.Handler
	buf  *lockedBuffer // shared with every handler derived by WithAttrs/WithGroup
	sink func(slog.Level, string) error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) { return l.b.Write(p) } // under mu (Handle)

func newSinkHandler(sink func(slog.Level, string) error) *sinkHandler {
	buf := &lockedBuffer{}
	text := slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	return &sinkHandler{text: text, buf: buf, sink: sink}
}

func (h *sinkHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.text.Enabled(ctx, l) }

func (h *sinkHandler) Handle(ctx context.Context, r slog.Record) error {
	h.buf.mu.Lock()
	h.buf.b.Reset()
	err := h.text.Handle(ctx, r)
	msg := strings.TrimSpace(h.buf.b.String())
	h.buf.mu.Unlock()
	if err != nil {
		return err
	}
	if len(msg) > eventLogMax {
		cut := eventLogMax
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + " …(truncated; the log file has it whole)"
	}
	return h.sink(r.Level, msg)
}

func (h *sinkHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &sinkHandler{text: h.text.WithAttrs(as), buf: h.buf, sink: h.sink}
}

func (h *sinkHandler) WithGroup(n string) slog.Handler {
	return &sinkHandler{text: h.text.WithGroup(n), buf: h.buf, sink: h.sink}
}
