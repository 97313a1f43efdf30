package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestToolFaults runs each tool under a fault and checks exit code and message.
func TestToolFaults(t *testing.T) {
	tests := []struct {
		name     string
		faults   string
		env      []string
		run      func(h *simHost, set string) result
		code     int
		contains string
		after    func(t *testing.T, h *simHost, set string)
	}{
		{name: "exp exit", faults: "exp: {exit: 1}", run: func(h *simHost, set string) result { return h.exp(set) },
			code: 1, contains: "EXP-00000: Export terminated unsuccessfully"},
		{name: "exp disk full", faults: "exp: {diskFull: true}", run: func(h *simHost, set string) result { return h.exp(set) },
			code: 1, contains: "EXP-00002: error in writing to export file"},
		{name: "exp truncated dump then imp", faults: "exp: {truncateDump: true, count: 1}",
			run: func(h *simHost, set string) result {
				mustCode(h.t, "exp", h.exp(set), 0)
				return h.imp(set, "SYSTEM", "Manager19c")
			}, code: 0, contains: "IMP-00009: abnormal end of export file",
			after: func(t *testing.T, h *simHost, set string) {
				log, _ := os.ReadFile(filepath.Join(set, "oracle-import.log"))
				if !strings.Contains(string(log), "Import terminated successfully with warnings.") {
					t.Errorf("import log:\n%s", log)
				}
			}},
		{name: "exp truncated dump, windows codes", faults: "exp: {truncateDump: true, count: 1}", env: []string{"ALTIUM_SIM_OS=windows"},
			run: func(h *simHost, set string) result {
				mustCode(h.t, "exp", h.exp(set), 0)
				return h.imp(set, "SYSTEM", "Manager19c")
			}, code: 3, contains: "IMP-00009"},
		{name: "exp partial output", faults: "exp: {partialOutput: true}", run: func(h *simHost, set string) result { return h.exp(set) },
			code: 1, contains: ". . exporting table"},
		{name: "exp garbage", faults: "exp: {garbage: true}", run: func(h *simHost, set string) result { return h.exp(set) }, code: 0},
		{name: "exp fault from env", env: []string{"ALTIUM_SIM_FAULT_EXP={exit: 7}"}, run: func(h *simHost, set string) result { return h.exp(set) },
			code: 7, contains: "ORA-03113"},
		{name: "exp wrong password", run: func(h *simHost, set string) result {
			return h.run("exp", "parfile="+h.parfile("p", "userid=AESUSER313/wrong@XE", "file="+filepath.Join(set, "x.dmp")))
		}, code: 1, contains: "ORA-01017: invalid username/password; logon denied"},
		{name: "exp unknown alias", run: func(h *simHost, set string) result {
			return h.run("exp", "parfile="+h.parfile("p", "userid=AESUSER313/Altium@NOPE", "file="+filepath.Join(set, "x.dmp")))
		}, code: 1, contains: "ORA-12154: TNS:could not resolve the connect identifier specified"},
		{name: "exp credentials on stdin", run: func(h *simHost, set string) result {
			return h.runIn("AESUSER313/Altium@XE\n", "exp", "owner=AESUSER313", "file="+filepath.Join(set, "x.dmp"), "statistics=none")
		}, code: 0, contains: "Export terminated successfully without warnings."},
		{name: "exp default statistics warn", run: func(h *simHost, set string) result {
			return h.run("exp", "parfile="+h.parfile("p", "userid=AESUSER313/Altium@XE", "file="+filepath.Join(set, "x.dmp")))
		}, code: 0, contains: "EXP-00091: Exporting questionable statistics."},
		{name: "imp touser missing", run: func(h *simHost, set string) result {
			mustCode(h.t, "exp", h.exp(set), 0)
			return h.run("imp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "file="+filepath.Join(set, "oracle.dmp"), "fromuser=AESUSER313", "touser=NOBODY"))
		}, code: 0, contains: "IMP-00003: ORACLE error 1435 encountered\nORA-01435: user does not exist"},
		{name: "imp fromuser not in dump", run: func(h *simHost, set string) result {
			mustCode(h.t, "exp", h.exp(set), 0)
			return h.run("imp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "file="+filepath.Join(set, "oracle.dmp"), "fromuser=OTHER", "touser=AESUSER313"))
		}, code: 0, contains: `IMP-00034: Warning: FromUser "OTHER" not found in export file`},
		{name: "imp over existing schema", run: func(h *simHost, set string) result {
			mustCode(h.t, "exp", h.exp(set), 0)
			return h.imp(set, "SYSTEM", "Manager19c")
		}, code: 0, contains: "IMP-00015: following statement failed because the object already exists:"},
		{name: "imp of a zip", run: func(h *simHost, set string) result {
			os.WriteFile(filepath.Join(set, "oracle.dmp"), []byte("PK\x03\x04 not a dump"), 0o644)
			return h.imp(set, "SYSTEM", "Manager19c")
		}, code: 1, contains: "IMP-00010: not a valid export file, header failed verification"},
		{name: "avbackup corrupt zip then restore", faults: "avbackup: {corruptZip: true, count: 1}",
			run: func(h *simHost, set string) result {
				ini := filepath.Join(h.root, "LocalVault.ini")
				mustCode(h.t, "backup", h.run("avbackup", "backup", "-z", filepath.Join(set, "f.zip"), "-i", ini), 0)
				return h.run("avbackup", "restore", "-z", filepath.Join(set, "f.zip"), "-i", ini)
			}, code: 1, contains: "is not a valid backup archive"},
		{name: "avbackup missing ini", run: func(h *simHost, set string) result {
			return h.run("avbackup", "backup", "-z", filepath.Join(set, "f.zip"), "-i", filepath.Join(set, "nope.ini"))
		}, code: 1, contains: "cannot read configuration file"},
		{name: "avbackup missing zip", run: func(h *simHost, set string) result {
			return h.run("avbackup", "restore", "-z", filepath.Join(set, "nope.zip"), "-i", filepath.Join(h.root, "LocalVault.ini"))
		}, code: 1, contains: "is not a valid backup archive"},
		{name: "avbackup disk full", faults: "avbackup: {diskFull: true}", run: func(h *simHost, set string) result {
			return h.run("avbackup", "backup", "-z", filepath.Join(set, "f.zip"), "-i", filepath.Join(h.root, "LocalVault.ini"))
		}, code: 1, contains: "There is not enough space on the disk."},
		{name: "net stop W3SVC twice", run: func(h *simHost, set string) result {
			mustCode(h.t, "first stop", h.run("net", "stop", "W3SVC"), 0)
			return h.run("net", "stop", "W3SVC")
		}, code: 2, contains: "NET HELPMSG 3521"},
		{name: "net stop WAS without /y", run: func(h *simHost, set string) result { return h.run("net", "stop", "WAS") },
			code: 2, contains: "Do you want to continue this operation? (Y/N) [N]:"},
		{name: "expdp disk full", faults: "expdp: {diskFull: true}", run: func(h *simHost, set string) result {
			return h.run("expdp", "parfile="+h.parfile("e", "userid=SYSTEM/Manager19c@XE", "schemas=AESUSER313", "dumpfile=x.dmp"))
		}, code: 1, contains: "stopped due to fatal error"},
		{name: "expdp truncated then impdp", faults: "expdp: {truncateDump: true}", run: func(h *simHost, set string) result {
			mustCode(h.t, "expdp", h.run("expdp", "parfile="+h.parfile("e", "userid=SYSTEM/Manager19c@XE", "schemas=AESUSER313", "dumpfile=x.dmp")), 0)
			return h.run("impdp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "dumpfile=x.dmp", "remap_schema=AESUSER313:COPY1"))
		}, code: 1, contains: "ORA-31619: invalid dump file"},
		{name: "impdp over existing schema", run: func(h *simHost, set string) result {
			mustCode(h.t, "expdp", h.run("expdp", "parfile="+h.parfile("e", "userid=SYSTEM/Manager19c@XE", "schemas=AESUSER313", "dumpfile=x.dmp")), 0)
			return h.run("impdp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "dumpfile=x.dmp", "schemas=AESUSER313"))
		}, code: 5, contains: "ORA-31684: Object type USER:\"AESUSER313\" already exists"},
		{name: "impdp bad remap tablespace", run: func(h *simHost, set string) result {
			mustCode(h.t, "expdp", h.run("expdp", "parfile="+h.parfile("e", "userid=SYSTEM/Manager19c@XE", "schemas=AESUSER313", "dumpfile=x.dmp")), 0)
			return h.run("impdp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "dumpfile=x.dmp", "remap_schema=AESUSER313:COPY1", "remap_tablespace=USERS:ALTIUM"))
		}, code: 5, contains: "ORA-00959: tablespace 'ALTIUM' does not exist"},
		{name: "impdp of a classic dump", run: func(h *simHost, set string) result {
			mustCode(h.t, "exp", h.run("exp", "parfile="+h.parfile("e", "userid=SYSTEM/Manager19c@XE", "owner=AESUSER313",
				"file="+filepath.Join(h.root, "oracle", "dpdump", "c.dmp"), "statistics=none")), 0)
			return h.run("impdp", "parfile="+h.parfile("i", "userid=SYSTEM/Manager19c@XE", "dumpfile=c.dmp"))
		}, code: 1, contains: "ORA-39143"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each case has its own host; the env goes to its commands only
			h := newHost(t)
			h.env = tc.env
			if tc.faults != "" {
				h.writeFaults(tc.faults + "\n")
			}
			set := t.TempDir()
			r := tc.run(h, set)
			mustCode(t, tc.name, r, tc.code)
			if tc.contains != "" && !strings.Contains(r.stdout+r.stderr, tc.contains) {
				t.Fatalf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", tc.contains, r.stdout, r.stderr)
			}
			if tc.after != nil {
				tc.after(t, h, set)
			}
		})
	}
}

// TestHangUntil holds a tool mid-step until a file appears; its start event is visible.
func TestHangUntil(t *testing.T) {
	h := newHost(t)
	release := filepath.Join(t.TempDir(), "go")
	h.writeFaults("exp:\n  hangUntil: " + release + "\n")
	cmd := exec.Command(filepath.Join(h.root, "bin", "exp"), "AESUSER313/Altium@XE", "file="+filepath.Join(t.TempDir(), "x.dmp"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev := h.events()
		if len(ev) > 0 && ev[len(ev)-1].Phase == "start" && ev[len(ev)-1].Tool == "exp" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no start event while exp hangs")
		}
		time.Sleep(20 * time.Millisecond)
	}
	os.WriteFile(release, nil, 0o644)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exp after release: %v", err)
	}
}

// TestHangKilled: hang blocks until killed, leaving a start event without an end.
func TestHangKilled(t *testing.T) {
	h := newHost(t)
	h.writeFaults("net: {hang: true}\n")
	cmd := exec.Command(filepath.Join(h.root, "bin", "net"), "stop", "WAS", "/y")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	h.held("net", "hang")
	select {
	case err := <-done:
		t.Fatalf("hanging net returned: %v", err)
	default:
	}
	cmd.Process.Kill()
	<-done
	ev := h.events()
	if len(ev) != 1 || ev[0].Phase != "start" {
		t.Fatalf("events after kill = %+v", ev)
	}
}

func TestSlowAndCount(t *testing.T) {
	h := newHost(t)
	// Seconds, not milliseconds: a program start alone can take a second on a loaded machine
	// or under Wine.
	h.writeFaults("appcmd: {slow: 3s, count: 1}\n")
	start := time.Now()
	mustCode(t, "appcmd", h.run("appcmd", "list", "site"), 0)
	if d := time.Since(start); d < 3*time.Second {
		t.Fatalf("slow appcmd took %v", d)
	}
	mustCode(t, "appcmd", h.run("appcmd", "list", "site"), 0)
	// The simulator records the faults it applied to each call: slow for the first only.
	var applied []string
	for _, e := range h.events() {
		if e.Tool == "appcmd" && e.Phase == "start" {
			applied = append(applied, e.Faults)
		}
	}
	if !slices.Equal(applied, []string{"slow", ""}) {
		t.Fatalf("faults applied to the two calls: %q, want slow then none (count: 1)", applied)
	}
}
