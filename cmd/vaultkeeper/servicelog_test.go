package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRotatingFile: the service log rotates at its size limit, keeping a bounded number of
// older files, and is written with the file closed before each rename (Windows).
func TestRotatingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), serviceLogFile)
	f, err := openRotatingFile(p, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		fmt.Fprintf(f, "line %02d of the service log, long enough\n", i)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{p, p + ".1", p + ".2"} {
		st, err := os.Stat(name)
		if err != nil || st.Size() > 100 {
			t.Errorf("%s: %v, size %v; want it present and at most 100 bytes", name, err, st)
		}
	}
	if _, err := os.Stat(p + ".3"); !os.IsNotExist(err) {
		t.Errorf("%s.3 kept (%v), want only 2 older files", p, err)
	}
	if b, _ := os.ReadFile(p); !strings.Contains(string(b), "line 19") {
		t.Errorf("current file lacks the last line:\n%s", b)
	}
}

// TestServiceLoggerTees: everything goes to the file, and the extra handler (the Event Log on
// Windows) gets what it is enabled for.
func TestServiceLoggerTees(t *testing.T) {
	dir := t.TempDir()
	var extra strings.Builder
	log, f, err := serviceLogger(dir, false, slog.NewTextHandler(&extra, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("agent started", "agent", "demo")
	log.Warn("state not saved")
	f.Close()
	b, _ := os.ReadFile(filepath.Join(dir, serviceLogFile))
	if !strings.Contains(string(b), "agent started") || !strings.Contains(string(b), "state not saved") {
		t.Errorf("log file:\n%s", b)
	}
	if strings.Contains(extra.String(), "agent started") || !strings.Contains(extra.String(), "state not saved") {
		t.Errorf("extra handler got:\n%s", extra.String())
	}
}

// TestEventLogMessages: what the service sends to the Event Log (newEventLogHandler's sink)
// is each warning and error with its level and every attribute, also those the logger was
// given with With (the agent's name, a run's server and policy), without the time; INFO never
// goes there; a message too long for ReportEvent is cut, not lost.
func TestEventLogMessages(t *testing.T) {
	type entry struct {
		level slog.Level
		msg   string
	}
	var got []entry
	h := newSinkHandler(func(l slog.Level, msg string) error {
		got = append(got, entry{l, msg})
		return nil
	})
	log, f, err := serviceLogger(t.TempDir(), false, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() }) // before the folder's removal: Windows removes no open file
	run := log.With("agent", "aes01").With("server", "aes-prod", "policy", "nightly")
	run.Info("step started", "step", "export")
	run.Error("step failed", "operation", "backup", "step", "export", "err", "ORA-01017: invalid username/password")
	log.WithGroup("source").Warn("fetch slow", "revision", "abc123")
	log.Error("huge", "err", strings.Repeat("é", eventLogMax))
	if len(got) != 3 {
		t.Fatalf("%d Event Log entries, want 3 (no INFO): %v", len(got), got)
	}
	want := `level=ERROR msg="step failed" agent=aes01 server=aes-prod policy=nightly operation=backup step=export err="ORA-01017: invalid username/password"`
	if got[0].level != slog.LevelError || got[0].msg != want {
		t.Errorf("error entry:\n got %v %s\nwant ERROR %s", got[0].level, got[0].msg, want)
	}
	if got[1].level != slog.LevelWarn || got[1].msg != `level=WARN msg="fetch slow" source.revision=abc123` {
		t.Errorf("warning entry: %v %s", got[1].level, got[1].msg)
	}
	if n := len(got[2].msg); n > eventLogMax+100 || !strings.HasSuffix(got[2].msg, "(truncated; the log file has it whole)") || !utf8.ValidString(got[2].msg) {
		t.Errorf("long entry: %d bytes, valid UTF-8 %v, ends %q", n, utf8.ValidString(got[2].msg), got[2].msg[max(0, n-60):])
	}
}
