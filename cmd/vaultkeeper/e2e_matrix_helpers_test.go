package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Helpers shared by the crash and fault matrices (e2e_matrix_test.go, e2e_faults_test.go).

// fullMatrix reports whether the whole matrix runs (make crash sets VAULTKEEPER_FULL_MATRIX=1);
// otherwise only the representative points marked fast run, so make test stays fast.
func fullMatrix() bool { return os.Getenv("VAULTKEEPER_FULL_MATRIX") == "1" }

// matrixEvent is one line of altium-sim's events.jsonl with the fields the matrix needs.
type matrixEvent struct {
	Phase  string   `json:"phase"`
	Tool   string   `json:"tool"`
	Argv   []string `json:"argv"`
	Pid    int      `json:"pid"`
	Faults string   `json:"faults"`
	Exit   *int     `json:"exit"`
}

func (w *world) matrixEvents(host string) []matrixEvent {
	w.t.Helper()
	f, err := os.Open(filepath.Join(w.hosts[host], "events.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	var out []matrixEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e matrixEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			continue // a line being written
		}
		out = append(out, e)
	}
	return out
}

// faultAtomic replaces a host's faults.yaml by a rename, so a tool starting meanwhile never
// reads half a file.
func (w *world) faultAtomic(host, yaml string) {
	w.t.Helper()
	p := filepath.Join(w.hosts[host], "faults.yaml")
	if err := os.WriteFile(p+".w", []byte(yaml), 0o644); err != nil {
		w.t.Fatal(err)
	}
	if err := os.Rename(p+".w", p); err != nil {
		w.t.Fatal(err)
	}
}

// heldCall waits for the tool call altium-sim holds (hangUntil) on host and returns it.
func (w *world) heldCall(host, tool string, limit time.Duration) matrixEvent {
	w.t.Helper()
	var held matrixEvent
	w.waitFor(tool+" held on "+host, limit, func() bool {
		for _, e := range w.matrixEvents(host) {
			if e.Tool == tool && e.Phase == "start" && strings.Contains(e.Faults, "hangUntil") {
				held = e
				return true
			}
		}
		return false
	})
	return held
}

// waitPidGone waits until process pid has exited (an orphaned tool of the killed agent).
func (w *world) waitPidGone(pid int, limit time.Duration) {
	w.t.Helper()
	w.waitFor(fmt.Sprintf("process %d to end", pid), limit, func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return true
		}
		// "pid (comm) S ...": a zombie is gone for our purpose.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		return i > 0 && i+2 < len(s) && s[i+2] == 'Z'
	})
}

// request asks the running agent to reconcile object now (POST /api/v1/reconcile).
func (w *world) request(object string) {
	w.t.Helper()
	tok, err := os.ReadFile(filepath.Join(w.stateDir, "api-token"))
	if err != nil {
		w.t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://"+w.addr+"/api/v1/reconcile?object="+object, nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		w.t.Fatalf("reconcile %s: %s: %s", object, resp.Status, b)
	}
}

// editManifests applies old→new replacements to the manifests file (before start).
func (w *world) editManifests(pairs ...string) {
	w.t.Helper()
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		w.t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			w.t.Fatalf("manifests lack %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], -1)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// fileStamp is what "untouched" means for a file of a published set.
type fileStamp struct {
	Size    int64
	ModTime time.Time
	SHA256  string
}

// publishedFiles stamps every file of every published set under backups/ and nas/
// (.partial folders are not sets and are left out).
func (w *world) publishedFiles() map[string]fileStamp {
	w.t.Helper()
	out := map[string]fileStamp{}
	for _, top := range []string{"backups", "nas"} {
		root := filepath.Join(w.dir, top)
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && strings.HasSuffix(d.Name(), ".partial") {
				return filepath.SkipDir
			}
			if d.IsDir() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			sum := sha256.Sum256(b)
			rel, _ := filepath.Rel(w.dir, p)
			out[rel] = fileStamp{Size: info.Size(), ModTime: info.ModTime(), SHA256: hex.EncodeToString(sum[:])}
			return nil
		})
	}
	return out
}

// untouched reports the files of before that changed or vanished in after.
func untouched(before, after map[string]fileStamp) []string {
	var bad []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			bad = append(bad, p+": removed")
		case a != b:
			bad = append(bad, fmt.Sprintf("%s: %+v became %+v", p, b, a))
		}
	}
	sort.Strings(bad)
	return bad
}

// partialFolders lists the .partial folders left anywhere under backups/ and nas/.
func (w *world) partialFolders() []string {
	var out []string
	for _, top := range []string{"backups", "nas"} {
		filepath.WalkDir(filepath.Join(w.dir, top), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && strings.HasSuffix(d.Name(), ".partial") {
				rel, _ := filepath.Rel(w.dir, p)
				out = append(out, rel)
				return filepath.SkipDir
			}
			return nil
		})
	}
	return out
}

// metricValue returns the value of the series line that starts with name{labels} (labels
// in the exposition's sorted order), or "" when absent.
func metricValue(metrics, series string) string {
	for _, l := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(l, series+" ") {
			return strings.TrimSpace(strings.TrimPrefix(l, series))
		}
	}
	return ""
}

// matrixRow appends one row to the table named by VAULTKEEPER_MATRIX_REPORT (if set): the
// rows docs/CRASH-MATRIX.md is written from. The last cell says whether the test passed.
// cells is called when the test ends, so the row shows what was observed up to a failure.
// Each table goes to its own file: REPORT-crash, REPORT-fault.
func matrixRow(t *testing.T, table string, cells func() []string) {
	path := os.Getenv("VAULTKEEPER_MATRIX_REPORT")
	if path == "" {
		return
	}
	path += "-" + table
	t.Cleanup(func() {
		res := "pass"
		if t.Failed() {
			res = "**FAIL**"
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "| %s | %s |\n", strings.Join(cells(), " | "), res)
	})
}
