package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBackupOrder is the hazard of FORMATS.md: avbackup with IIS running yields a zip
// and a dump of different generations; stopping IIS first yields a consistent pair.
// Each pair is then restored onto a fresh host and verified.
func TestBackupOrder(t *testing.T) {
	tests := []struct {
		name       string
		stopFirst  bool
		consistent bool
	}{
		{"avbackup with IIS running", false, false},
		{"IIS stopped first (the seed's order)", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newHost(t)
			set := t.TempDir()
			if tc.stopFirst {
				mustCode(t, "net stop WAS /y", src.run("net", "stop", "WAS", "/y"), 0)
			}
			mustCode(t, "avbackup backup", src.run("avbackup", "backup", "-z", filepath.Join(set, "files.zip"), "-i", filepath.Join(src.root, "LocalVault.ini")), 0)
			r := src.exp(set)
			mustCode(t, "exp", r, 0)
			if !strings.Contains(r.stderr, "Export terminated successfully without warnings.") {
				t.Fatalf("exp screen lacks the final line:\n%s", r.stderr)
			}
			if tc.stopFirst {
				mustCode(t, "net start W3SVC", src.run("net", "start", "W3SVC"), 0)
			}

			dst := newHost(t)
			mustCode(t, "net stop WAS /y", dst.run("net", "stop", "WAS", "/y"), 0)
			mustCode(t, "avbackup restore", dst.run("avbackup", "restore", "-z", filepath.Join(set, "files.zip"), "-i", filepath.Join(dst.root, "LocalVault.ini")), 0)
			dropAndCreate(t, dst)
			r = dst.imp(set, "SYSTEM", "Manager19c")
			mustCode(t, "imp", r, 0)
			if !strings.Contains(r.stderr, "Import terminated successfully without warnings.") {
				t.Fatalf("imp screen:\n%s", r.stderr)
			}
			mustCode(t, "net start W3SVC", dst.run("net", "start", "W3SVC"), 0)
			rep, code := dst.verify()
			if rep.Consistent != tc.consistent || (code == 0) != tc.consistent {
				t.Fatalf("verify = %+v (exit %d), want consistent=%v", rep, code, tc.consistent)
			}
		})
	}
}

// dropAndCreate empties the target schema the way the restore seed does, through the
// database state directly (sqlplus is another package's work).
func dropAndCreate(t *testing.T, h *simHost) {
	t.Helper()
	db := openDB(t, h)
	defer db.Close()
	if err := db.DropUser("AESUSER313", true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser("AESUSER313", "Altium", ""); err != nil {
		t.Fatal(err)
	}
	if err := db.Grant("AESUSER313", "CONNECT", "RESOURCE", "CREATE SESSION"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetQuota("AESUSER313", "USERS"); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestInitLayout(t *testing.T) {
	h := newHost(t, "--product", "NexusServer")
	for _, f := range []string{"LocalVault.ini", "applicationHost.config", "tnsnames.ora", "iis.json", "events.jsonl",
		"faults.yaml", "oracle/db.json", "oracle/dpdump", "FileStorage/.generation", "bin/altium-sim", "bin/exp"} {
		if strings.HasPrefix(f, "bin/") && runtime.GOOS == "windows" {
			f += ".exe"
		}
		if _, err := os.Stat(filepath.Join(h.root, f)); err != nil {
			t.Errorf("init did not create %s: %v", f, err)
		}
	}
	ini, _ := os.ReadFile(filepath.Join(h.root, "LocalVault.ini"))
	if !strings.Contains(string(ini), "DataSourceType=Oracle\r\n") || !strings.Contains(string(ini), "DBLocation=oradb01.corp.example.com:1521\r\n") {
		t.Errorf("LocalVault.ini:\n%q", ini)
	}
	st, err := os.Stat(filepath.Join(h.root, "secrets", "schema-password"))
	// Windows keeps no mode bits (an NTFS ACL would protect the file; Wine has none: README).
	if err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) {
		t.Errorf("secrets/schema-password: %v %v", st, err)
	}
	r := h.run("appcmd", "list", "site", "Altium NEXUS Server")
	mustCode(t, "appcmd list site", r, 0)
	want := `SITE "Altium NEXUS Server" (id:2,bindings:http/*:80:,https/*:443:aes.corp.example.com,state:Started)` + "\n"
	if r.stdout != want {
		t.Fatalf("appcmd list site = %q, want %q", r.stdout, want)
	}
	rep, code := h.verify()
	if !rep.Consistent || code != 0 || !rep.TnsnamesAgrees || !rep.IISBindingAgrees || !rep.IISRunning {
		t.Fatalf("fresh host verify = %+v exit %d", rep, code)
	}
}
