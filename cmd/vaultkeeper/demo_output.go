package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// demoHandler prints the agent's log in plain words: each step with its duration, revisions,
// published sets and removals; warnings and errors as they are.
type demoHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	attrs []slog.Attr
}

func newDemoHandler(w io.Writer) *demoHandler { return &demoHandler{mu: &sync.Mutex{}, w: w} }

func (h *demoHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *demoHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &demoHandler{mu: h.mu, w: h.w, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *demoHandler) WithGroup(string) slog.Handler { return h }

func (h *demoHandler) Handle(_ context.Context, r slog.Record) error {
	kv := map[string]string{}
	for _, a := range h.attrs {
		kv[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool { kv[a.Key] = a.Value.String(); return true })
	who := strings.TrimSpace(kv["operation"] + " " + firstOf(kv["policy"], kv["restore"]))
	var line string
	switch r.Message {
	case "step started":
		return nil
	case "step done":
		line = fmt.Sprintf("  %-28s %-18s done in %s", who, kv["step"], roundDur(kv["duration"]))
	case "step failed":
		line = fmt.Sprintf("  %-28s %-18s FAILED after %s: %s", who, kv["step"], roundDur(kv["duration"]), kv["err"])
	case "revision applied":
		line = fmt.Sprintf("manifests revision %s applied: %s server(s), %s policy(ies), %s restore(s)", short(kv["revision"]), kv["servers"], kv["policies"], kv["restores"])
	case "set removed":
		line = fmt.Sprintf("  retention removed set %s of %s (%s)", kv["set"], kv["policy"], kv["why"])
	case "agent started", "agent stopped":
		return nil
	default:
		if r.Level < slog.LevelWarn {
			return nil
		}
		var parts []string
		for k, v := range kv {
			if k != "agent" {
				parts = append(parts, k+"="+v)
			}
		}
		line = fmt.Sprintf("%s: %s %s", r.Level, r.Message, strings.Join(parts, " "))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintln(h.w, line)
	return err
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func roundDur(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return s
	}
	return d.Round(time.Millisecond).String()
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
