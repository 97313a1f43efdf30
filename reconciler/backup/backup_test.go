package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// host is a hand-written fake of the adapters: it records the calls in order and writes
// small files where the tools would.
type host struct {
	mu    sync.Mutex
	calls []string
}

func (h *host) do(call string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, call)
}

func (h *host) Stop(context.Context) error  { h.do("stop-iis"); return nil }
func (h *host) Start(context.Context) error { h.do("start-iis"); return nil }
func (h *host) Backup(_ context.Context, zip string) error {
	h.do("avbackup")
	return os.WriteFile(zip, []byte("PK zip"), 0o640)
}
func (h *host) Export(_ context.Context, dump, log string) (Export, error) {
	h.do("export")
	return Export{Tool: "exp"}, errors.Join(os.WriteFile(dump, []byte("dump"), 0o640), os.WriteFile(log, []byte("log"), 0o640))
}

// journal records the steps as the runbook journals them.
type journal struct {
	mu    sync.Mutex
	steps []string
}

func (j *journal) StepStarted(step string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.steps = append(j.steps, step)
	return nil
}
func (j *journal) StepFinished(string, error) error { return nil }

// verifyExcept passes every set folder except those under bad.
func verifyExcept(bad string) Verifier {
	return func(_ context.Context, dir string) ([]catalog.Verification, error) {
		ok := bad == "" || !strings.HasPrefix(dir, bad)
		var problems []string
		if !ok {
			problems = []string{"files.zip: sha256 mismatch"}
		}
		return []catalog.Verification{
			{Level: catalog.LevelL1, OK: ok, Problems: problems},
			{Level: catalog.LevelL2, OK: ok, Problems: problems},
		}, nil
	}
}

func newJob(t *testing.T, h *host, j *journal, dest string, copies ...string) *Job {
	t.Helper()
	srv := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "aes-prod"}}
	srv.Spec.Oracle.Schema = "AESUSER313"
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "prod-nightly"}}
	pol.Spec.Server, pol.Spec.Destination, pol.Spec.Copies = "aes-prod", dest, copies
	started := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	return &Job{
		Server: srv, Policy: pol, Agent: "a", Kind: catalog.KindScheduled, Started: started,
		Now: func() time.Time { return started.Add(time.Minute) }, IIS: h, Files: h, Oracle: h, Verify: verifyExcept(""),
		Runbook: &runbook.Runbook{Operation: "backup", Journal: j},
	}
}

func TestFreeSpaceRefusal(t *testing.T) {
	cases := []struct {
		name     string
		estimate int64
		minFree  int64
		free     int64
		refused  bool
	}{
		{name: "room for the last set's size plus 10 %", estimate: 1000, free: 1100},
		{name: "less than the last set's size plus 10 %", estimate: 1000, free: 1099, refused: true},
		{name: "below the policy's minFreeBytes", estimate: 10, minFree: 5000, free: 4999, refused: true},
		{name: "first set, no minimum: not measured", free: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dest := t.TempDir()
			h, jr := &host{}, &journal{}
			job := newJob(t, h, jr, dest)
			job.EstimateBytes, job.Policy.Spec.MinFreeBytes = c.estimate, c.minFree
			var asked string
			job.FreeBytes = func(path string) (int64, error) { asked = path; return c.free, nil }
			res, err := Run(context.Background(), job)
			if !c.refused {
				if err != nil || res == nil {
					t.Fatalf("Run = %v, %v; want a published set", res, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "bytes free") || !strings.Contains(err.Error(), dest) ||
				!strings.Contains(err.Error(), "prod-nightly") {
				t.Fatalf("err = %v; want a refusal naming the destination, the free bytes and the policy", err)
			}
			if res != nil {
				t.Errorf("a refused run returned a set: %+v", res)
			}
			if job.Runbook.FailedStep() != "check-destination" {
				t.Errorf("failed step %q, want check-destination", job.Runbook.FailedStep())
			}
			if len(h.calls) != 0 {
				t.Errorf("a refused run still called %v: nothing may be stopped before the space is known", h.calls)
			}
			if !strings.HasPrefix(asked, filepath.Join(dest, "aes-prod")) {
				t.Errorf("free space measured at %q, not in the destination %s", asked, dest)
			}
			ents, _ := os.ReadDir(filepath.Join(dest, "aes-prod"))
			if len(ents) != 0 {
				t.Errorf("a refused run left %d entries (a .partial?) in %s", len(ents), dest)
			}
		})
	}
}

func TestFreeSpaceUnknownFails(t *testing.T) {
	dest := t.TempDir()
	h := &host{}
	job := newJob(t, h, &journal{}, dest)
	job.EstimateBytes = 1000
	job.FreeBytes = func(string) (int64, error) { return 0, errors.New("statfs: input/output error") }
	if _, err := Run(context.Background(), job); err == nil || !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("err = %v, want the free-space error", err)
	}
	if len(h.calls) != 0 {
		t.Errorf("IIS or tools called after the free space could not be read: %v", h.calls)
	}
}

func TestReplicaFailure(t *testing.T) {
	root := t.TempDir()
	dest, good, bad := filepath.Join(root, "primary"), filepath.Join(root, "nas1"), filepath.Join(root, "nas2")
	h, jr := &host{}, &journal{}
	job := newJob(t, h, jr, dest, good, bad)
	job.Verify = verifyExcept(bad)
	res, err := Run(context.Background(), job)
	if err == nil || !strings.Contains(err.Error(), "replica "+bad) || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("err = %v; want the failed replica named with its verification problem", err)
	}
	if job.Runbook.FailedStep() != "replicate" {
		t.Errorf("failed step %q, want replicate", job.Runbook.FailedStep())
	}
	// The primary set is published regardless, and reported with the replica's failure.
	if res == nil || len(res.ReplicaErrors) != 1 {
		t.Fatalf("result %+v: want the published set with one replica error", res)
	}
	id := res.Meta.ID
	if res.Dir != catalog.SetDir(dest, "aes-prod", id) {
		t.Errorf("set published at %s, want %s", res.Dir, catalog.SetDir(dest, "aes-prod", id))
	}
	for _, dir := range []string{catalog.SetDir(dest, "aes-prod", id), catalog.SetDir(good, "aes-prod", id)} {
		m, err := catalog.ReadMeta(dir)
		if err != nil || !m.Complete() || !m.Verified() {
			t.Errorf("%s: %v, complete/verified record expected", dir, err)
		}
	}
	// Nothing of the failed copy may look like a set, or stay half written.
	ents, _ := os.ReadDir(filepath.Join(bad, "aes-prod"))
	for _, e := range ents {
		t.Errorf("the failed replica left %s in %s", e.Name(), bad)
	}
	var all []string // every step that runs in the vendor order
	for _, s := range runbook.Steps(Order(job), job) {
		all = append(all, s.Name)
	}
	if strings.Join(jr.steps, ",") != strings.Join(all, ",") {
		t.Errorf("journal %v, want every step %v", jr.steps, all)
	}
	if strings.Join(h.calls, ",") != "stop-iis,avbackup,export,start-iis" {
		t.Errorf("calls %v", h.calls)
	}

	// The next run finds the good copy in place and leaves it alone (Replicate is
	// idempotent), copying only what is missing.
	if err := Replicate(context.Background(), res.Dir, good, "aes-prod", verifyExcept("")); err != nil {
		t.Fatalf("replicate again into %s: %v", good, err)
	}
	if err := Replicate(context.Background(), res.Dir, bad, "aes-prod", verifyExcept("")); err != nil {
		t.Fatalf("replicate into %s once it verifies: %v", bad, err)
	}
	if m, err := catalog.ReadMeta(catalog.SetDir(bad, "aes-prod", id)); err != nil || !m.Verified() {
		t.Errorf("the repaired copy: %v", err)
	}
}
