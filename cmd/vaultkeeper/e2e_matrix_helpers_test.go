package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

// Helpers shared by the crash and fault matrices (e2e_matrix_test.go, e2e_faults_test.go).

// fullMatrix reports whether the whole matrix runs (make crash sets VAULTKEEPER_FULL_MATRIX=1);
// otherwise only the representative points marked fast run, so make test stays fast.
func fullMatrix() bool { return os.Getenv("VAULTKEEPER_FULL_MATRIX") == "1" }

// heldCall waits for the tool call altium-sim holds (hangUntil) on host and returns it.
func (w *world) heldCall(host, tool string, limit time.Duration) events.Record {
	w.t.Helper()
	var held events.Record
	w.waitFor(tool+" held on "+host, limit, func() bool {
		for _, e := range w.events(host) {
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
	w.agent.Request(object)
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

// leftAlone waits for the positive evidence that the running agent has decided not to act
// on object after a crash: its plan (the loop's own decision, computed from the state crash
// recovery wrote before the loop started) shows object blocked (a restore that failed after
// it began overwriting) or waiting (a failed backup, until its retry), nothing but integrity
// checks due, and no policy running. It returns the plan's entry for object.
func (w *world) leftAlone(object string) harness.PlanItem {
	w.t.Helper()
	var item harness.PlanItem
	var last harness.Plan
	w.waitFor(object+" left alone by the plan", 30*time.Second, func() bool {
		last = w.agent.Plan()
		for _, a := range last.Actions {
			if a.Kind != "checks" {
				return false
			}
		}
		var ps []reconciler.PolicyView
		w.get("policies", &ps)
		for _, p := range ps {
			if p.Running {
				return false
			}
		}
		var ok bool
		if strings.HasPrefix(object, "restore/") {
			item, ok = harness.Find(last.Blocked, object)
		} else {
			item, ok = harness.Find(last.Waiting, object)
		}
		return ok
	})
	return item
}

// toolStarts counts the start records of tool calls on host whose argv begins with prefix.
func (w *world) toolStarts(host, tool string, prefix ...string) int {
	n := 0
	for _, e := range w.events(host) {
		if e.Phase == "start" && e.Tool == tool && len(e.Argv) >= len(prefix) && slices.Equal(e.Argv[:len(prefix)], prefix) {
			n++
		}
	}
	return n
}
