package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

// TestE2EBackupOrderAndConsistency drives the real binary against altium-sim: the event log
// shows the seeds' order, no password reaches argv, and zip and dump are of one moment.
func TestE2EBackupOrderAndConsistency(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	set := w.verifiedSet()
	ev := w.events("aes-prod")
	at := func(tool, phase, arg string) int64 {
		for _, e := range ev {
			if e.Tool == tool && e.Phase == phase && (arg == "" || strings.Join(e.Argv, " ") == arg || (len(e.Argv) > 0 && e.Argv[0] == arg)) {
				if phase == "start" {
					return e.StartMono
				}
				return e.EndMono
			}
		}
		t.Fatalf("no %s %s event (%s) in events.jsonl", tool, phase, arg)
		return 0
	}
	stopEnd := at("net", "end", "stop WAS /y")
	avStart, avEnd := at("avbackup", "start", "backup"), at("avbackup", "end", "backup")
	expStart, expEnd := at("exp", "start", ""), at("exp", "end", "")
	startIIS := at("net", "start", "start W3SVC")
	if !(stopEnd < avStart && avEnd < expStart && expEnd < startIIS) {
		t.Errorf("order broken: stop-iis end %d, avbackup %d-%d, exp %d-%d, start-iis %d", stopEnd, avStart, avEnd, expStart, expEnd, startIIS)
	}
	for _, e := range ev {
		if e.PasswordInArgv {
			t.Errorf("a password reached argv of %s: %v", e.Tool, e.Argv)
		}
	}
	zipGen, dumpGen := zipGeneration(t, filepath.Join(set.Dir, "files.zip")), dumpGeneration(t, filepath.Join(set.Dir, "oracle.dmp"))
	if zipGen != dumpGen || zipGen == 0 {
		t.Errorf("zip generation %d, dump generation %d: the pair is not of one moment", zipGen, dumpGen)
	}
	if v := w.simVerify("aes-prod"); !v.IISRunning || !v.Consistent {
		t.Errorf("host after backup: %+v", v)
	}
	var meta struct {
		Files []struct{ Name, SHA256 string }
	}
	b, _ := os.ReadFile(filepath.Join(set.Dir, "vaultkeeper.json"))
	if err := json.Unmarshal(b, &meta); err != nil || len(meta.Files) != 3 {
		t.Errorf("vaultkeeper.json: %v, files %+v", err, meta.Files)
	}
	if !strings.Contains(w.metrics(), `vaultkeeper_backup_runs_total{policy="aes-prod-nightly",result="success",server="aes-prod"} 1`) {
		t.Errorf("metrics do not count the successful run:\n%s", grep(w.metrics(), "backup_runs_total"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func zipGeneration(t *testing.T, path string) int64 {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "avbackup-manifest.json" {
			rc, _ := f.Open()
			defer rc.Close()
			var m struct {
				Generation int64 `json:"generation"`
			}
			if err := json.NewDecoder(rc).Decode(&m); err != nil {
				t.Fatal(err)
			}
			return m.Generation
		}
	}
	t.Fatal("no avbackup-manifest.json in the zip")
	return 0
}

func dumpGeneration(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		for i := 0; i+1 < len(fs); i++ {
			if fs[i] == "GENERATION" {
				var g int64
				json.Unmarshal([]byte(fs[i+1]), &g)
				return g
			}
		}
	}
	t.Fatal("no GENERATION in the dump")
	return 0
}

// TestE2EFaultAtEachStep injects a failure into each tool of the backup runbook: IIS must
// be running afterwards, no set published, and the failure visible in status and metrics.
func TestE2EFaultAtEachStep(t *testing.T) {
	cases := []struct {
		name, faults, step string
	}{
		{"stop IIS fails", "net:\n  exit: 2\n  count: 1\n", "stop-iis"},
		{"avbackup fails", "avbackup:\n  exit: 1\n", "avbackup"},
		{"avbackup corrupts the zip", "avbackup:\n  corruptZip: true\n", "verify"},
		{"exp fails", "exp:\n  exit: 1\n", "export"},
		{"exp truncates the dump", "exp:\n  truncateDump: true\n", "export"},
		{"exp disk full", "exp:\n  diskFull: true\n", "export"},
		{"exp hangs past its timeout", "exp:\n  hang: true\n", "export"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, []string{"aes-prod"}, false)
			w.fault("aes-prod", c.faults)
			if strings.Contains(c.faults, "hang") {
				// a short dump timeout, so the hang ends in this test's lifetime
				p := filepath.Join(w.dir, "repo", "altium.yaml")
				b, _ := os.ReadFile(p)
				os.WriteFile(p, []byte(strings.Replace(string(b), "dump: 10m", "dump: 2s", 1)), 0o644)
			}
			w.start()
			var p reconciler.PolicyView
			w.waitFor("a failed run", 60*time.Second, func() bool {
				p = w.policy("aes-prod-nightly")
				return p.LastResult == "failure"
			})
			if !strings.Contains(p.LastError, "step "+c.step) {
				t.Errorf("last error %q does not name step %s", p.LastError, c.step)
			}
			if v := w.simVerify("aes-prod"); !v.IISRunning {
				t.Errorf("IIS is not running after the failure: %+v", v)
			}
			for _, d := range w.setFolders("aes-prod") {
				t.Errorf("something was left in the destination: %s", d)
			}
			if !strings.Contains(w.metrics(), `vaultkeeper_backup_runs_total{policy="aes-prod-nightly",result="failure",server="aes-prod"} 1`) {
				t.Errorf("failure not in metrics:\n%s", grep(w.metrics(), "backup_runs_total"))
			}
		})
	}
}
