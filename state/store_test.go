package state

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestStatusSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(st *Status) {
		st.Policy("aes-prod-nightly").LastSet = "20261121T020000Z"
		st.Object("BackupPolicy", "aes-prod-nightly").SetCondition(Ready, "True", "Succeeded", "ok")
	}); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap := s2.Snapshot()
	if snap.Policies["aes-prod-nightly"].LastSet != "20261121T020000Z" {
		t.Fatalf("policy runtime lost: %+v", snap.Policies)
	}
	if c, ok := snap.Objects["BackupPolicy/aes-prod-nightly"].Condition(Ready); !ok || c.Status != "True" {
		t.Fatalf("condition lost: %+v", snap.Objects)
	}
	if fi, _ := os.Stat(filepath.Join(dir, statusFile)); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("status file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestDamagedStatusIsAnErrorNotReplaced(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, statusFile)
	os.WriteFile(p, []byte("{not json"), 0o600)
	if _, err := Open(dir); err == nil {
		t.Fatal("damaged status accepted")
	}
	if b, _ := os.ReadFile(p); string(b) != "{not json" {
		t.Fatal("damaged status was overwritten")
	}
}

// Content that parses but was never a saved status is refused like a damaged file, naming it,
// and left in place: read as empty it would make every applied restore look new.
func TestEmptyLookingStatusIsRefused(t *testing.T) {
	for name, content := range map[string]string{
		"empty":      "",
		"blank":      " \n",
		"null":       "null",
		"object":     "{}",
		"array":      "[]",
		"no objects": `{"source":{},"policies":{},"restores":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, statusFile)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadStatus(dir); err == nil || !strings.Contains(err.Error(), p) {
				t.Errorf("ReadStatus(%q) = %v, want an error naming %s", content, err, p)
			}
			_, err := Open(dir)
			if err == nil {
				t.Fatalf("status %q accepted", content)
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "damaged") {
				t.Errorf("error %q does not name %s as damaged", err, p)
			}
			if b, _ := os.ReadFile(p); string(b) != content {
				t.Errorf("status was overwritten: %q", b)
			}
		})
	}
}

func TestReadOnlyStateDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permissions differ on Windows")
	}
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(st *Status) { st.Policy("p").LastSet = "before" }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, statusFile))
	readOnly(t, dir)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("Open of a read-only state dir: %v, want a 'not writable' error", err)
	}
	if err := s.Update(func(st *Status) { st.Policy("p").LastSet = "after" }); err == nil {
		t.Fatal("Update in a read-only state dir succeeded")
	}
	if got := s.Snapshot().Policies["p"].LastSet; got != "before" {
		t.Fatalf("memory = %q after a failed write, want before", got)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, statusFile)); string(after) != string(before) {
		t.Fatal("status file changed by a failed write")
	}
}

// readOnly makes dir unwritable, also for root (chattr +i), or skips the test.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("running as root without chattr +i, cannot make %s read-only: %v %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

func TestUpdateRollsBackWhenPersistFails(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.dir = filepath.Join(dir, "gone", "away") // every write now fails
	err = s.Update(func(st *Status) { st.Policy("p").LastSet = "x" })
	if err == nil {
		t.Fatal("no error when the status cannot be saved")
	}
	if _, ok := s.Snapshot().Policies["p"]; ok {
		t.Fatal("memory changed although the disk did not")
	}
}

func TestJournalAndUnfinishedRuns(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	done, _ := s.BeginRun("backup", "policy/a", "srv", "")
	done.StepStarted("stop-iis")
	done.StepFinished("stop-iis", nil)
	if err := done.Finish(nil, ""); err != nil {
		t.Fatal(err)
	}
	dying, _ := s.BeginRun("restore", "restore/r", "srv", "h1")
	dying.SetRecovery("start-iis", []string{"net", "start", "W3SVC"})
	dying.StepStarted("stop-iis")
	dying.StepFinished("stop-iis", nil)
	dying.StepStarted("drop-user")
	// the agent dies here: a new store finds the run
	s2, _ := Open(dir)
	runs, err := s2.UnfinishedRuns()
	if err != nil || len(runs) != 1 {
		t.Fatalf("UnfinishedRuns = %d, %v; want the one that died", len(runs), err)
	}
	r := runs[0].Run()
	if r.LastStarted() != "drop-user" || !r.Reached("stop-iis") || r.Recovery["start-iis"][2] != "W3SVC" || r.SpecHash != "h1" {
		t.Fatalf("journal lost detail: %+v", r)
	}
	if err := runs[0].Finish(errors.New("agent died"), r.LastStarted()); err != nil {
		t.Fatal(err)
	}
	if runs, _ := s2.UnfinishedRuns(); len(runs) != 0 {
		t.Fatal("finished run still open")
	}
	h := s2.Snapshot().History
	if len(h) != 2 || h[1].Result != RunFailed || h[1].FailedStep != "drop-user" {
		t.Fatalf("history = %+v", h)
	}
	// The history keeps each run's steps with their timings (get runs, the status page).
	if st := h[1].Steps; len(st) != 2 || st[0].Name != "stop-iis" || st[0].State != StepDone ||
		st[1].Name != "drop-user" || st[1].State != StepStarted || st[1].Seconds != 0 {
		t.Fatalf("history steps = %+v, want stop-iis done and drop-user as the dead agent left it", st)
	}
}

// TestHistoryKeepsSetSize: the size a backup run records reaches its history entry.
func TestHistoryKeepsSetSize(t *testing.T) {
	s, _ := Open(t.TempDir())
	j, _ := s.BeginRun("backup", "BackupPolicy/a", "srv", "")
	j.StepStarted("avbackup")
	j.StepFinished("avbackup", nil)
	j.SetSet("20261121T020000Z")
	j.SetSize(4096)
	if err := j.Finish(nil, ""); err != nil {
		t.Fatal(err)
	}
	h := s.Snapshot().History
	if len(h) != 1 || h[0].Set != "20261121T020000Z" || h[0].SizeBytes != 4096 || len(h[0].Steps) != 1 || h[0].Steps[0].State != StepDone {
		t.Fatalf("history = %+v, want the set, its 4096 bytes and the done avbackup step", h)
	}
}

func TestHistoryBoundedPerObject(t *testing.T) {
	s, _ := Open(t.TempDir())
	s.HistoryPerObject = 3
	for i := 0; i < 5; i++ {
		j, _ := s.BeginRun("backup", "policy/a", "srv", "")
		j.Finish(nil, "")
	}
	j, _ := s.BeginRun("backup", "policy/b", "srv", "")
	j.Finish(nil, "")
	n := map[string]int{}
	for _, r := range s.Snapshot().History {
		n[r.Object]++
	}
	if n["policy/a"] != 3 || n["policy/b"] != 1 {
		t.Fatalf("history per object = %v", n)
	}
}

// TestHistoryKeepsStepsOfTheNewestRuns: only each object's newest StepsPerObject runs keep
// their step timings (status.json is copied at every read).
func TestHistoryKeepsStepsOfTheNewestRuns(t *testing.T) {
	s, _ := Open(t.TempDir())
	for i := 0; i < StepsPerObject+3; i++ {
		for _, obj := range []string{"policy/a", "policy/b"} {
			j, _ := s.BeginRun("backup", obj, "srv", "")
			j.StepStarted("avbackup")
			j.StepFinished("avbackup", errors.New("exit status 1"))
			j.Finish(errors.New("avbackup: exit status 1"), "avbackup")
		}
	}
	with := map[string]int{}
	h := s.Snapshot().History
	for i, r := range h {
		if len(r.Steps) > 0 {
			with[r.Object]++
			if r.Steps[0].State != StepFailed || r.Steps[0].Error != "exit status 1" {
				t.Errorf("steps %+v: want avbackup failed with its own error", r.Steps)
			}
		} else if i >= len(h)-2*StepsPerObject {
			t.Errorf("run %d of %d (%s) lost its steps", i, len(h), r.Object)
		}
	}
	if with["policy/a"] != StepsPerObject || with["policy/b"] != StepsPerObject {
		t.Errorf("runs with steps per object = %v, want %d each", with, StepsPerObject)
	}
}

func TestToken(t *testing.T) {
	s, _ := Open(t.TempDir())
	a, err := s.Token()
	if err != nil || len(a) != 64 {
		t.Fatalf("token %q, %v", a, err)
	}
	if b, _ := s.Token(); a != b {
		t.Fatal("token changed between calls")
	}
}

func TestAbandonAndSkipped(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	j, err := s.BeginRun("backup", "BackupPolicy/a", "srv", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { return j.StepSkipped("wait-window", "inside the window") },
		func() error { return j.StepStarted("stop-iis") },
		func() error { return j.StepFinished("stop-iis", nil) },
		func() error { return j.StepStarted("avbackup") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	s2, _ := Open(dir) // the agent restarted
	runs, err := s2.UnfinishedRuns()
	if err != nil || len(runs) != 1 {
		t.Fatalf("UnfinishedRuns = %d, %v", len(runs), err)
	}
	if err := runs[0].Abandon("agent restarted during the step"); err != nil {
		t.Fatal(err)
	}
	r := runs[0].Run()
	want := []string{"wait-window:skipped", "stop-iis:done", "avbackup:failed"}
	for i, st := range r.Steps {
		if got := st.Name + ":" + st.State; i >= len(want) || got != want[i] {
			t.Fatalf("steps = %+v, want %v", r.Steps, want)
		}
	}
	h := s2.Snapshot().History
	if len(h) != 1 || h[0].Result != RunFailed || h[0].FailedStep != "avbackup" {
		t.Fatalf("history = %+v", h)
	}
	if runs, _ := s2.UnfinishedRuns(); len(runs) != 0 {
		t.Fatal("abandoned run still open")
	}
}

func TestConcurrentRuns(t *testing.T) {
	s, _ := Open(t.TempDir())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			obj := fmt.Sprintf("BackupPolicy/p%d", i)
			for range 5 {
				j, err := s.BeginRun("backup", obj, fmt.Sprintf("srv%d", i), "")
				if err != nil {
					t.Error(err)
					return
				}
				j.StepStarted("a")
				j.StepFinished("a", nil)
				s.Update(func(st *Status) { st.Policy(obj).Failures++ })
				if err := j.Finish(nil, ""); err != nil {
					t.Error(err)
				}
				_ = s.Snapshot()
			}
		})
	}
	wg.Wait()
	snap := s.Snapshot()
	if len(snap.History) != 40 || len(snap.Policies) != 8 {
		t.Fatalf("history %d, policies %d; want 40 and 8", len(snap.History), len(snap.Policies))
	}
}

// TestRecordKeepsAFactWhenPersistFails: a result that is already true (a finished run) stays
// in memory when it cannot be saved, and the next save writes it (issue 18: on Windows a
// reader holding status.json made the save fail and the run's result was lost).
func TestRecordKeepsAFactWhenPersistFails(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.dir = filepath.Join(dir, "gone", "away") // every write now fails
	if err := s.Record(func(st *Status) { st.Policy("p").LastSet = "x" }); err == nil || !strings.Contains(err.Error(), "kept in memory") {
		t.Fatalf("Record with an unwritable state dir: %v, want an error saying the change is kept in memory", err)
	}
	if got := s.Snapshot().Policies["p"].LastSet; got != "x" {
		t.Fatalf("memory LastSet = %q after a failed save, want x (the fact stays)", got)
	}
	s.dir = dir
	if err := s.Record(func(st *Status) { st.Policy("q").LastSet = "y" }); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Snapshot().Policies["p"].LastSet; got != "x" {
		t.Fatalf("saved LastSet = %q, want x written by the next save", got)
	}
}

// TestDamagedJournalIsSetAside (issue 14 point 7): a journal that cannot be parsed (or has no
// run id) is renamed *.damaged and reported; the readable runs are still returned, and the
// runs folder read again holds no damaged journal.
func TestDamagedJournalIsSetAside(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	j, err := s.BeginRun("restore", "restore/r", "srv", "h")
	if err != nil {
		t.Fatal(err)
	}
	runs := filepath.Join(dir, runsDir)
	for name, content := range map[string]string{"garbage.json": "{not json", "noid.json": `{"kind":"restore"}`} {
		if err := os.WriteFile(filepath.Join(runs, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, damaged, err := s.RecoverableRuns()
	if err != nil || len(got) != 1 || got[0].ID() != j.ID() {
		t.Fatalf("RecoverableRuns = %d runs, %v; want the readable one", len(got), err)
	}
	if len(damaged) != 2 {
		t.Fatalf("damaged = %v, want both bad journals reported", damaged)
	}
	for _, name := range []string{"garbage.json", "noid.json"} {
		p := filepath.Join(runs, name)
		if _, err := os.Stat(p + DamagedSuffix); err != nil {
			t.Errorf("%s not set aside: %v", p, err)
		}
		if !strings.Contains(errors.Join(damaged...).Error(), p) {
			t.Errorf("report %v does not name %s", damaged, p)
		}
	}
	if _, again, err := s.RecoverableRuns(); err != nil || len(again) != 0 {
		t.Errorf("second read: %v %v, want nothing damaged left", again, err)
	}
	if _, err := s.UnfinishedRuns(); err != nil {
		t.Errorf("UnfinishedRuns after setting aside = %v", err)
	}
}
