package backup_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// TestDowntimeOrders: vendor keeps the seeds' order; minimal checks the grant before IIS
// stops, records the SCN with the application quiesced, starts IIS right after avbackup
// and exports as of the SCN; a fallback or a restore's outage (IISHeld) runs vendor. The
// set's record carries the mode and the SCN.
func TestDowntimeOrders(t *testing.T) {
	for _, tc := range []struct {
		name     string
		downtime string
		fallback string
		held     bool
		calls    string
		mode     string
		scn      uint64
	}{
		{name: "default: vendor", calls: "stop-iis,avbackup,export,start-iis", mode: "vendor"},
		{name: "minimal", downtime: "minimal", calls: "check-flashback,stop-iis,quiesced,scn,avbackup,start-iis,export@4242", mode: "minimal", scn: 4242},
		{name: "minimal after an ORA-01555: vendor", downtime: "minimal", fallback: "ORA-01555", calls: "stop-iis,avbackup,export,start-iis", mode: "vendor"},
		{name: "inside a restore's outage: no stop, no start", downtime: "minimal", held: true, calls: "avbackup,export", mode: "vendor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost()
			dest := t.TempDir()
			j := newJob(t, h, &journal{}, dest)
			j.Policy.Spec.Downtime, j.Fallback, j.IISHeld = tc.downtime, tc.fallback, tc.held
			j.Flashback = h
			h.SCN = 4242
			res, err := backup.Run(context.Background(), j)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(h.Calls(), ","); got != tc.calls {
				t.Errorf("calls %s, want %s", got, tc.calls)
			}
			m, err := catalog.ReadMeta(res.Dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.Downtime != tc.mode || m.Oracle.SCN != tc.scn {
				t.Errorf("record: downtime %q scn %d, want %q %d", m.Downtime, m.Oracle.SCN, tc.mode, tc.scn)
			}
			if (j.Downtime > 0) == tc.held {
				t.Errorf("downtime %v with IISHeld=%v", j.Downtime, tc.held)
			}
		})
	}
}

// TestFlashbackExportFails: ORA-01555 during the export fails the run with backup.ErrFlashback,
// publishes nothing and leaves IIS started (it was, right after avbackup).
func TestFlashbackExportFails(t *testing.T) {
	h := newHost()
	dest := t.TempDir()
	j := newJob(t, h, &journal{}, dest)
	j.Policy.Spec.Downtime = manifests.DowntimeMinimal
	j.Flashback = h
	h.SCN, h.ExportAsOfErr = 4242, fmt.Errorf("exp: %w: ORA-01555: snapshot too old", backup.ErrFlashback)
	res, err := backup.Run(context.Background(), j)
	if !errors.Is(err, backup.ErrFlashback) || res != nil {
		t.Fatalf("res %v, err %v: want backup.ErrFlashback and no set", res, err)
	}
	if j.Runbook.FailedStep() != "export" {
		t.Errorf("failed step %q", j.Runbook.FailedStep())
	}
	if got := strings.Join(h.Calls(), ","); got != "check-flashback,stop-iis,quiesced,scn,avbackup,start-iis,export@4242" {
		t.Errorf("calls %s", got)
	}
	ents, _ := os.ReadDir(filepath.Join(dest, "aes-prod"))
	for _, e := range ents {
		t.Errorf("left %s behind: nothing may look like a set", e.Name())
	}
}

// TestPlanShowsOrder: the plan words come from the step definitions in the order the
// policy runs them.
func TestPlanShowsOrder(t *testing.T) {
	srv := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "aes-prod"}}
	srv.Spec.Oracle.Schema = "aesuser313"
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Destination = `D:\Backups`
	steps := func() string {
		var s []string
		for _, p := range backup.Plan(srv, pol) {
			s = append(s, p.Step)
		}
		return strings.Join(s, ",")
	}
	if got := steps(); got != "preflight,check-destination,stop-iis,avbackup,export,start-iis,verify,publish" {
		t.Errorf("vendor plan %s", got)
	}
	pol.Spec.Downtime = manifests.DowntimeMinimal
	if got := steps(); got != "preflight,check-destination,check-flashback,stop-iis,record-scn,avbackup,start-iis,export,verify,publish" {
		t.Errorf("minimal plan %s", got)
	}
	if len(backup.Plan(nil, pol)) == 0 { // the planner knows the policy only
		t.Error("no plan without the server")
	}
	words := runbook.Words(backup.Order(&backup.Job{Server: srv, Policy: pol}), &backup.Job{Server: srv, Policy: pol})
	if !strings.Contains(strings.Join(words, "\n"), "export the Oracle schema as of the recorded SCN (flashback_scn) while IIS runs") {
		t.Errorf("minimal words:\n%s", strings.Join(words, "\n"))
	}
}
