package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
