package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestEventsLog(t *testing.T) {
	h := newHost(t)
	set := t.TempDir()
	mustCode(t, "exp via parfile", h.exp(set), 0)
	r := h.run("exp", "AESUSER313/Altium@XE", "owner=AESUSER313", "file="+filepath.Join(set, "y.dmp"), "statistics=none")
	mustCode(t, "exp with password in argv", r, 0)
	mustCode(t, "net", h.run("net", "stop", "W3SVC"), 0)
	ev := h.events()
	if len(ev) != 6 {
		t.Fatalf("%d events, want 6 (start+end per call): %+v", len(ev), ev)
	}
	tests := []struct {
		i      int
		tool   string
		leaked bool
		exit   int
	}{{1, "exp", false, 0}, {3, "exp", true, 0}, {5, "net", false, 0}}
	for _, tc := range tests {
		s, e := ev[tc.i-1], ev[tc.i]
		if s.Phase != "start" || e.Phase != "end" || e.Tool != tc.tool || e.Exit == nil || *e.Exit != tc.exit {
			t.Errorf("event pair %d = %+v / %+v", tc.i, s, e)
		}
		if e.PasswordInArgv != tc.leaked || s.PasswordInArgv != tc.leaked {
			t.Errorf("%s: passwordInArgv = %v, want %v", tc.tool, e.PasswordInArgv, tc.leaked)
		}
		if e.EndMono < s.StartMono || e.Pid == 0 || e.Start == "" || e.End == "" {
			t.Errorf("%s: times/pid = %+v", tc.tool, e)
		}
		if strings.Contains(strings.Join(e.Argv, " "), "Altium@") {
			t.Errorf("%s: password not masked in %q", tc.tool, e.Argv)
		}
	}
	if ev[3].Argv[0] != "AESUSER313/***@XE" {
		t.Errorf("masked argv = %q", ev[3].Argv)
	}
}

// TestSessionsHold: the application's sessions follow IIS, plus the sessions fault.
func TestSessionsHold(t *testing.T) {
	tests := []struct {
		name     string
		faults   string
		stopIIS  bool
		sessions int
	}{
		{"IIS running", "", false, 3},
		{"IIS stopped", "", true, 0},
		{"IIS stopped, fault holds 2", "db: {sessions: 2}\n", true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			if tc.faults != "" {
				h.writeFaults(tc.faults)
			}
			if tc.stopIIS {
				mustCode(t, "net stop", h.run("net", "stop", "WAS", "/y"), 0)
			}
			mustCode(t, "appcmd", h.run("appcmd", "list", "site"), 0) // any call ticks the application
			db := openDB(t, h)
			defer db.Close()
			if got := db.User("AESUSER313").Sessions; got != tc.sessions {
				t.Fatalf("sessions = %d, want %d", got, tc.sessions)
			}
		})
	}
}
