package toolrun

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
)

const (
	// maxLine is the longest line kept in memory before it is flushed as if it ended.
	maxLine = 64 << 10
	// tailLines and tailLineLen bound the tail kept for error messages.
	tailLines   = 20
	tailLineLen = 400
	masked      = "***"
)

// sink is shared by the stdout and stderr writers of one run.
type sink struct {
	mu     sync.Mutex
	log    *slog.Logger
	level  slog.Level
	tool   string
	mask   []string
	out    io.Writer
	outErr error
	tail   []string
}

func newSink(c Cmd, tool string) *sink {
	var mask []string
	for _, m := range c.Mask {
		if m != "" {
			mask = append(mask, m)
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	for i := 1; i < len(mask); i++ {
		for j := i; j > 0 && len(mask[j]) > len(mask[j-1]); j-- {
			mask[j], mask[j-1] = mask[j-1], mask[j]
		}
	}
	return &sink{log: c.Log, level: c.Level, tool: tool, mask: mask, out: c.Output}
}

// Redact replaces every non-empty secret in s by "***".
func Redact(s string, secrets ...string) string {
	for _, m := range secrets {
		if m != "" {
			s = strings.ReplaceAll(s, m, masked)
		}
	}
	return s
}

func (s *sink) line(stream, text string) {
	text = strings.TrimRight(text, "\r")
	text = Redact(text, s.mask...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log != nil && strings.TrimSpace(text) != "" { // a blank line is no message
		s.log.Log(context.Background(), s.level, text, "tool", s.tool, "stream", stream)
	}
	if s.out != nil && s.outErr == nil {
		_, s.outErr = io.WriteString(s.out, text+"\n")
	}
	t := text
	if len(t) > tailLineLen {
		t = t[:tailLineLen] + "…"
	}
	if strings.TrimSpace(t) == "" {
		return
	}
	if len(s.tail) == tailLines {
		copy(s.tail, s.tail[1:])
		s.tail = s.tail[:tailLines-1]
	}
	s.tail = append(s.tail, t)
}

func (s *sink) Tail() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tail...)
}

// lineWriter splits a byte stream into lines for a sink.
type lineWriter struct {
	s      *sink
	stream string
	buf    []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			if len(w.buf) >= maxLine {
				w.s.line(w.stream, string(w.buf))
				w.buf = w.buf[:0]
			}
			break
		}
		w.buf = append(w.buf, p[:i]...)
		w.s.line(w.stream, string(w.buf))
		w.buf = w.buf[:0]
		p = p[i+1:]
	}
	return n, nil
}

// flush emits a last line that had no newline.
func (w *lineWriter) flush() {
	if len(w.buf) > 0 {
		w.s.line(w.stream, string(w.buf))
		w.buf = w.buf[:0]
	}
}
