package restore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/hostfake"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

// newHost is the shared fake of every adapter the runbook drives (it records calls in
// order and fails the call named in failOn), answering for a schema of two tables.
func newHost(failOn string, rows map[string]int64, invalid int) *hostfake.Host {
	return &hostfake.Host{FailOn: failOn, Rows: rows, Invalid: invalid,
		Objects: map[string]int{"TABLE": 2}, Tablespaces: []string{"ALTIUM_LOB", "USERS"}}
}

// recordedInvalid is the set's record of invalid objects at backup time.
var recordedInvalid = 1

func job(t *testing.T, h *hostfake.Host, verifyOK bool) *restore.Job {
	r := &manifests.Restore{Metadata: manifests.ObjectMeta{Name: "staging-refresh"}}
	r.Spec.Server, r.Spec.Confirm = "aes-staging", "aes-staging"
	target := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "aes-staging"}}
	target.Spec.Oracle.Schema = "AESUSER313"
	target.Spec.InstallDir = t.TempDir()
	meta := &catalog.Meta{ID: "20261121T020000Z", Oracle: catalog.OracleMeta{Schema: "AESUSER313",
		Objects: map[string]int{"TABLE": 2}, Rows: map[string]int64{"DOCS": 10, "ITEMS": 3},
		Tablespaces: []string{"ALTIUM_LOB", "USERS"}, InvalidObjects: &recordedInvalid}}
	return &restore.Job{
		Tablespace: "USERS",
		Restore:    r, Target: target, SetDir: "/b/aes-prod/20261121T020000Z", Meta: meta,
		Verify: func(context.Context, string) ([]catalog.Verification, error) {
			return []catalog.Verification{{Level: catalog.LevelL1, OK: verifyOK, Problems: []string{"files.zip: sha256 mismatch"}}}, nil
		},
		SafetyBackup: func(context.Context) error { return h.Do("safety-backup") },
		IIS:          h, Files: h, Admin: h, Import: h,
		Checks:  []restore.Check{{Name: "iis-binding", Run: func(context.Context) error { return h.Do("check iis-binding") }}},
		Runbook: &runbook.Runbook{Operation: "restore"},
		Record:  &restorerecord.Entry{Run: "run-1", Restore: "staging-refresh", SpecHash: "h1", Agent: "staging"},
	}
}

func TestRunOrderAndGuards(t *testing.T) {
	quotas := "tablespaces AESUSER313,quota AESUSER313 ALTIUM_LOB,quota AESUSER313 USERS,grant-basic AESUSER313,"
	full := "preflight AESUSER313,stop-iis,safety-backup,avbackup-restore,drop AESUSER313,create AESUSER313,grant-basic AESUSER313," +
		"grant-dba AESUSER313,import AESUSER313>AESUSER313,revoke-dba AESUSER313," + quotas +
		"recompile AESUSER313,check iis-binding,has-dba AESUSER313,tablespaces AESUSER313,no-quota AESUSER313,count-invalid AESUSER313,count-objects,count-rows,start-iis"
	cases := []struct {
		name      string
		failOn    string
		verifyBad bool
		rows      map[string]int64
		want      string
		wantErr   string
		stalled   bool
		invalid   int
	}{
		{name: "success in the seeds' order", rows: map[string]int64{"DOCS": 10, "ITEMS": 3}, want: full},
		{name: "import fails: DBA revoked and IIS started", failOn: "import AESUSER313>AESUSER313", wantErr: "import",
			want: "preflight AESUSER313,stop-iis,safety-backup,avbackup-restore,drop AESUSER313,create AESUSER313,grant-basic AESUSER313,grant-dba AESUSER313,import AESUSER313>AESUSER313,revoke-dba AESUSER313,start-iis"},
		{name: "grant fails: revoke still attempted", failOn: "grant-dba AESUSER313", wantErr: "grant-dba",
			want: "preflight AESUSER313,stop-iis,safety-backup,avbackup-restore,drop AESUSER313,create AESUSER313,grant-basic AESUSER313,grant-dba AESUSER313,revoke-dba AESUSER313,start-iis"},
		{name: "avbackup fails: nothing dropped, IIS started", failOn: "avbackup-restore", wantErr: "avbackup-restore",
			want: "preflight AESUSER313,stop-iis,safety-backup,avbackup-restore,start-iis"},
		{name: "preflight refuses (wrong container, schema absent): nothing stopped", failOn: "preflight AESUSER313", wantErr: "preflight",
			want: "preflight AESUSER313"},
		{name: "safety backup fails: target untouched", failOn: "safety-backup", wantErr: "safety-backup", want: "preflight AESUSER313,stop-iis,safety-backup,start-iis"},
		{name: "set fails verification right before use: stalled, nothing done", verifyBad: true, stalled: true, wantErr: "sha256 mismatch", want: ""},
		{name: "quota on a segment tablespace fails: restore fails, IIS started", failOn: "quota AESUSER313 ALTIUM_LOB", wantErr: "ALTIUM_LOB",
			want: "preflight AESUSER313,stop-iis,safety-backup,avbackup-restore,drop AESUSER313,create AESUSER313,grant-basic AESUSER313,grant-dba AESUSER313,import AESUSER313>AESUSER313,revoke-dba AESUSER313," +
				"tablespaces AESUSER313,quota AESUSER313 ALTIUM_LOB,quota AESUSER313 USERS,grant-basic AESUSER313,start-iis"},
		{name: "more invalid objects than the backup had: restore fails", rows: map[string]int64{"DOCS": 10, "ITEMS": 3}, invalid: 3,
			wantErr: "3 invalid objects after the import and a recompile, the backup had 1", want: full},
		{name: "rows differ: restore fails, IIS started", rows: map[string]int64{"DOCS": 9, "ITEMS": 3}, wantErr: "AESUSER313.DOCS: 9 rows, the backup had 10", want: full},
	}
	t.Run("re-run after a half-done restore: the preflight proves the container only", func(t *testing.T) {
		h := newHost("", map[string]int64{"DOCS": 10, "ITEMS": 3}, 0)
		j := job(t, h, true)
		j.AfterHalfDone = true
		if err := restore.Run(context.Background(), j); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(h.Calls(), ","), "preflight-container AESUSER313,stop-iis,safety-backup") {
			t.Errorf("calls: %v", h.Calls())
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHost(c.failOn, c.rows, c.invalid)
			j := job(t, h, !c.verifyBad)
			err := restore.Run(context.Background(), j)
			if got := strings.Join(h.Calls(), ","); got != c.want {
				t.Errorf("calls:\n got %s\nwant %s", got, c.want)
			}
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
			}
			if c.stalled && outcome.Kind(err) != "stalled" {
				t.Errorf("err kind = %s, want stalled", outcome.Kind(err))
			}
			// The target's record: begun before avbackup restore ran, completed only after
			// a verified restore (issue 14 point 1).
			rec, rerr := restorerecord.Read(j.Target.Spec.InstallDir)
			if rerr != nil {
				t.Fatal(rerr)
			}
			want := restorerecord.NeverApplied
			switch {
			case c.wantErr == "":
				want = restorerecord.Applied
			case strings.Contains(c.want, "avbackup-restore"):
				want = restorerecord.Incomplete
			}
			if got := rec.Lookup("staging-refresh", "h1"); got.Kind != want {
				t.Errorf("restore record says %v (%s), want %v; entries %+v", got.Kind, got.Reason, want, rec.Entries)
			}
			if len(rec.Entries) > 0 && rec.Entries[0].Set != "20261121T020000Z" {
				t.Errorf("recorded set %q, want the restored one", rec.Entries[0].Set)
			}
		})
	}
}

// TestPreflightRefusesBeforeAnything: a tool the restore would start is missing, or the
// safety backup's destination root is: the restore stalls at its preflight, before the
// safety backup (which stops IIS); with a tool missing, without an Oracle logon either.
func TestPreflightRefusesBeforeAnything(t *testing.T) {
	dir := t.TempDir()
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "staging-nightly"}}
	for _, c := range []struct {
		name, says, calls string
		tools             []preflight.Tool
		root              string
	}{
		{name: "imp missing", says: "spec.oracle.dump.bin", root: dir,
			tools: []preflight.Tool{{Server: "aes-staging", Field: "spec.oracle.dump.bin", Path: filepath.Join(dir, "bin", "imp")}}},
		{name: "safety destination root missing", says: "spec.destination", root: filepath.Join(dir, "unmounted"), calls: "preflight AESUSER313"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHost("", map[string]int64{"DOCS": 10, "ITEMS": 3}, 0)
			j := job(t, h, true)
			j.Restore.Spec.SafetyBackup = nil // default: enabled
			pol.Spec.Destination = c.root
			j.Preflight = restore.PreflightChecks(j.Restore, j.Target, c.tools, pol)
			err := restore.Run(context.Background(), j)
			if outcome.Kind(err) != "stalled" || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("err %v (%s), want stalled naming %s", err, outcome.Kind(err), c.says)
			}
			if got := strings.Join(h.Calls(), ","); got != c.calls {
				t.Errorf("calls %q, want %q: nothing may run before the preflight passed", got, c.calls)
			}
			if j.Runbook.FailedStep() != "preflight" {
				t.Errorf("failed at %q, want preflight", j.Runbook.FailedStep())
			}
		})
	}
}

func TestUsers(t *testing.T) {
	cases := []struct {
		name, setSchema, targetSchema, from, to string
		wantFrom, wantTo                        string
		stalled                                 bool
	}{
		{name: "same schema", setSchema: "AESUSER313", targetSchema: "aesuser313", wantFrom: "AESUSER313", wantTo: "AESUSER313"},
		{name: "different without mapping", setSchema: "AESUSER313", targetSchema: "AESUSER400", stalled: true},
		{name: "explicit mapping", setSchema: "AESUSER313", targetSchema: "AESUSER400", from: "AESUSER313", to: "AESUSER400", wantFrom: "AESUSER313", wantTo: "AESUSER400"},
		{name: "fromUser not in the set", setSchema: "AESUSER313", targetSchema: "AESUSER400", from: "OTHER", to: "AESUSER400", stalled: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &manifests.Restore{Metadata: manifests.ObjectMeta{Name: "r"}}
			r.Spec.Oracle.FromUser, r.Spec.Oracle.ToUser = c.from, c.to
			target := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "t"}}
			target.Spec.Oracle.Schema = c.targetSchema
			from, to, err := restore.Users(r, target, &catalog.Meta{ID: "x", Oracle: catalog.OracleMeta{Schema: c.setSchema}})
			if c.stalled {
				if outcome.Kind(err) != "stalled" {
					t.Fatalf("err = %v, want stalled", err)
				}
				return
			}
			if err != nil || from != c.wantFrom || to != c.wantTo {
				t.Fatalf("Users = %s, %s, %v; want %s, %s", from, to, err, c.wantFrom, c.wantTo)
			}
		})
	}
}

func TestDefaultTablespace(t *testing.T) {
	r := &manifests.Restore{}
	r.Spec.Oracle.RemapTablespaces = map[string]string{"altium_data": "users2"}
	for rec, want := range map[string]string{"": "USERS", "ALTIUM_DATA": "USERS2", "altium_lob": "ALTIUM_LOB"} {
		if got := restore.DefaultTablespace(r, &catalog.Meta{Oracle: catalog.OracleMeta{DefaultTablespace: rec}}); got != want {
			t.Errorf("DefaultTablespace(record %q) = %s, want %s", rec, got, want)
		}
	}
}

// TestNoRecordNoOverwrite: a run without a record entry, or whose target's record cannot be
// written, stops before avbackup restore (issue 14 point 1).
func TestNoRecordNoOverwrite(t *testing.T) {
	for name, mod := range map[string]func(j *restore.Job){
		"no entry":                 func(j *restore.Job) { j.Record = nil },
		"install dir not writable": func(j *restore.Job) { j.Target.Spec.InstallDir = filepath.Join(j.Target.Spec.InstallDir, "missing") },
	} {
		t.Run(name, func(t *testing.T) {
			h := newHost("", map[string]int64{"DOCS": 10, "ITEMS": 3}, 0)
			j := job(t, h, true)
			mod(j)
			err := restore.Run(context.Background(), j)
			if err == nil || !strings.Contains(err.Error(), "record-begin") {
				t.Fatalf("err = %v, want the record-begin step to fail", err)
			}
			if got := strings.Join(h.Calls(), ","); strings.Contains(got, "avbackup-restore") || !strings.HasSuffix(got, "stop-iis,safety-backup,start-iis") {
				t.Errorf("calls %s: want IIS stopped (the safety backup inside that outage) and started again, nothing overwritten", got)
			}
		})
	}
}

// TestDumpIdentifiedBeforeAnythingStops (issue 15 point 6): the database identifies the
// set's dump in the preflight; a file it does not call a Data Pump dump stalls the restore
// before IIS is stopped, the safety backup taken or anything overwritten.
func TestDumpIdentifiedBeforeAnythingStops(t *testing.T) {
	h := newHost("", map[string]int64{"DOCS": 10, "ITEMS": 3}, 0)
	h.IdentifyErr = outcome.Stalledf("DumpNotDataPump", "vaultkeeper-identify.dmp is not a Data Pump dump file: classic export file (file type 2)")
	j := job(t, h, true)
	err := restore.Run(context.Background(), j)
	if outcome.Kind(err) != "stalled" || !strings.Contains(err.Error(), "preflight") || !strings.Contains(err.Error(), "file type 2") {
		t.Fatalf("err = %v (%s), want the preflight stalled by the dump's identification", err, outcome.Kind(err))
	}
	if got := strings.Join(h.Calls(), ","); got != "preflight AESUSER313" {
		t.Errorf("calls %s: want only the preflight's, nothing stopped or overwritten", got)
	}
}
