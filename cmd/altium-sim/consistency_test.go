package main

import (
	"path/filepath"
	"testing"
)

// TestExportConsistency: with IIS stopped but sessions of the schema still open and
// writing (fault sessions: 2), exp's default CONSISTENT=N reads each table at its own
// moment: the host restored from that dump never verifies consistent. CONSISTENT=Y reads
// one snapshot.
func TestExportConsistency(t *testing.T) {
	for _, tc := range []struct {
		name       string
		extra      []string
		consistent bool
	}{
		{"consistent=n (the default)", nil, false},
		{"consistent=y", []string{"consistent=y"}, true},
		{"flashback_time", []string{"flashback_time=systimestamp"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := newHost(t)
			set := t.TempDir()
			mustCode(t, "net stop WAS /y", src.run("net", "stop", "WAS", "/y"), 0)
			mustCode(t, "avbackup backup", src.run("avbackup", "backup", "-z", filepath.Join(set, "files.zip"), "-i", filepath.Join(src.root, "LocalVault.ini")), 0)
			src.env = append(src.env, "ALTIUM_SIM_FAULT_EXP={sessions: 2}")
			lines := append([]string{"userid=AESUSER313/Altium@XE", "owner=AESUSER313", "file=" + filepath.Join(set, "oracle.dmp"),
				"log=" + filepath.Join(set, "oracle-export.log"), "statistics=none"}, tc.extra...)
			mustCode(t, "exp", src.run("exp", "parfile="+src.parfile("exp.par", lines...)), 0)

			dst := newHost(t)
			mustCode(t, "net stop WAS /y", dst.run("net", "stop", "WAS", "/y"), 0)
			mustCode(t, "avbackup restore", dst.run("avbackup", "restore", "-z", filepath.Join(set, "files.zip"), "-i", filepath.Join(dst.root, "LocalVault.ini")), 0)
			dropAndCreate(t, dst)
			mustCode(t, "imp", dst.imp(set, "SYSTEM", "Manager19c"), 0)
			mustCode(t, "net start W3SVC", dst.run("net", "start", "W3SVC"), 0)
			if rep, _ := dst.verify(); rep.Consistent != tc.consistent {
				t.Fatalf("verify = %+v, want consistent=%v", rep, tc.consistent)
			}
		})
	}
}
