package backup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/hostfake"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// newHost is the shared fake of the adapters: it records the calls in order and writes
// small but valid files where the tools would.
func newHost() *hostfake.Host { return &hostfake.Host{Schema: "AESUSER313"} }

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
func verifyExcept(bad string) backup.Verifier {
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

func newJob(t *testing.T, h *hostfake.Host, j *journal, dest string, copies ...string) *backup.Job {
	t.Helper()
	srv := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "aes-prod"}}
	srv.Spec.Oracle.Schema = "AESUSER313"
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "prod-nightly"}}
	pol.Spec.Server, pol.Spec.Destination, pol.Spec.Copies = "aes-prod", dest, copies
	started := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	return &backup.Job{
		Server: srv, Policy: pol, Agent: "a", Kind: catalog.KindScheduled, Started: started,
		Now: func() time.Time { return started.Add(time.Minute) }, IIS: h, Files: h, Oracle: h, Verify: verifyExcept(""),
		Runbook: &runbook.Runbook{Operation: "backup", Journal: j},
	}
}

// TestPreflight: every refusal of the preflight comes before IIS is stopped and before
// anything is written; configuration errors stall, the rest are retried.
func TestPreflight(t *testing.T) {
	cases := []struct {
		name     string
		lastSets []int64
		minFree  int64
		free     int64
		freeErr  error
		tool     bool // the avbackup given does not exist
		noRoot   bool // the destination root does not exist
		login    error
		kind     string // "" (published), stalled, transient
		says     string
		calls    string // the fake's calls when refused
	}{
		{name: "room for the largest last set of the server × 1.2", lastSets: []int64{1000, 500}, free: 1200},
		{name: "less than the largest last set × 1.2", lastSets: []int64{500, 1000}, free: 1199, kind: "transient", says: "bytes free",
			calls: "preflight AESUSER313,login-schema"},
		{name: "below the policy's minFreeBytes", lastSets: []int64{10}, minFree: 5000, free: 4999, kind: "transient", says: "bytes free",
			calls: "preflight AESUSER313,login-schema"},
		{name: "first set, no minimum: not measured", free: 0},
		{name: "free space unknown", lastSets: []int64{1000}, freeErr: errors.New("statfs: input/output error"), kind: "transient",
			says: "input/output error", calls: "preflight AESUSER313,login-schema"},
		{name: "a typo in the avbackup path: stalled, no logon", tool: true, kind: "stalled", says: "spec.avbackup"},
		{name: "destination root missing: stalled, never created", noRoot: true, kind: "stalled", says: "spec.destination",
			calls: "preflight AESUSER313,login-schema"},
		{name: "wrong schema password: stalled", login: &oracle.OraError{Code: 1017, Message: "invalid username/password; logon denied"},
			kind: "stalled", says: "ORA-01017", calls: "preflight AESUSER313,login-schema"},
		{name: "database unreachable: retried", login: &oracle.OraError{Code: 12541, Message: "TNS:no listener"},
			kind: "transient", says: "ORA-12541", calls: "preflight AESUSER313,login-schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			dest := filepath.Join(root, "backups")
			if !c.noRoot {
				os.Mkdir(dest, 0o750)
			}
			avbackup := filepath.Join(root, "avbackup")
			if runtime.GOOS == "windows" {
				avbackup += ".exe" // what a Windows host starts: a PATHEXT extension
			}
			if !c.tool {
				os.WriteFile(avbackup, []byte("#!/bin/sh\n"), 0o755)
			}
			h, jr := newHost(), &journal{}
			h.LoginErr = c.login
			job := newJob(t, h, jr, dest)
			job.Policy.Spec.MinFreeBytes = c.minFree
			var asked string
			free := func(path string) (int64, error) { asked = path; return c.free, c.freeErr }
			tools := []preflight.Tool{{Server: "aes-prod", Field: "spec.avbackup", Path: avbackup}}
			job.Preflight = backup.Checks(job.Server, job.Policy, tools, c.lastSets, free, h)
			res, err := backup.Run(context.Background(), job)
			if c.kind == "" {
				if err != nil || res == nil {
					t.Fatalf("Run = %v, %v; want a published set", res, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "prod-nightly") && !strings.Contains(err.Error(), "aes-prod") {
				t.Fatalf("err = %v; want a refusal saying %q and naming the policy or server", err, c.says)
			}
			if outcome.Kind(err) != c.kind {
				t.Errorf("kind %s, want %s", outcome.Kind(err), c.kind)
			}
			if res != nil {
				t.Errorf("a refused run returned a set: %+v", res)
			}
			if job.Runbook.FailedStep() != "preflight" {
				t.Errorf("failed step %q, want preflight", job.Runbook.FailedStep())
			}
			if got := strings.Join(h.Calls(), ","); got != c.calls {
				t.Errorf("calls %q, want %q: nothing may be stopped or run before the preflight passed", got, c.calls)
			}
			if asked != "" && asked != dest {
				t.Errorf("free space measured at %q, not at the destination root %s", asked, dest)
			}
			if _, err := os.Stat(dest); c.noRoot && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the missing destination root was created (%v)", err)
			}
			ents, _ := os.ReadDir(dest)
			if len(ents) != 0 {
				t.Errorf("a refused run left %d entries in %s", len(ents), dest)
			}
		})
	}
}

func TestReplicaFailure(t *testing.T) {
	root := t.TempDir()
	dest, good, bad := filepath.Join(root, "primary"), filepath.Join(root, "nas1"), filepath.Join(root, "nas2")
	os.Mkdir(dest, 0o750)
	h, jr := newHost(), &journal{}
	job := newJob(t, h, jr, dest, good, bad)
	job.Verify = verifyExcept(bad)
	res, err := backup.Run(context.Background(), job)
	if err != nil {
		t.Fatalf("err = %v; a failing replica must not fail the backup", err)
	}
	if rerr := res.Replicas[bad]; rerr == nil || !strings.Contains(rerr.Error(), "replica "+bad) || !strings.Contains(rerr.Error(), "sha256 mismatch") {
		t.Fatalf("replica error %v; want the failed replica named with its verification problem", rerr)
	}
	if rerr, tried := res.Replicas[good]; !tried || rerr != nil {
		t.Errorf("good replica: tried %v, err %v", tried, rerr)
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
	for _, s := range runbook.Steps(backup.Order(job), job) {
		all = append(all, s.Name)
	}
	if strings.Join(jr.steps, ",") != strings.Join(all, ",") {
		t.Errorf("journal %v, want every step %v", jr.steps, all)
	}
	if strings.Join(h.Calls(), ",") != "stop-iis,avbackup,export,start-iis" {
		t.Errorf("calls %v", h.Calls())
	}

	// The next run finds the good copy in place and leaves it alone (Replicate is
	// idempotent), copying only what is missing.
	if err := backup.Replicate(context.Background(), res.Dir, good, "aes-prod", verifyExcept("")); err != nil {
		t.Fatalf("replicate again into %s: %v", good, err)
	}
	if err := backup.Replicate(context.Background(), res.Dir, bad, "aes-prod", verifyExcept("")); err != nil {
		t.Fatalf("replicate into %s once it verifies: %v", bad, err)
	}
	if m, err := catalog.ReadMeta(catalog.SetDir(bad, "aes-prod", id)); err != nil || !m.Verified() {
		t.Errorf("the repaired copy: %v", err)
	}
}
