package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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

func TestReadOnlyStateDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores permissions; the read-only case is covered in the fault matrix with a read-only bind")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if _, err := Open(dir); err == nil {
		t.Fatal("read-only state dir accepted")
	}
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
