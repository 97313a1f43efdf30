package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestGetTables: the tables of get runs and get source, from the JSON the agent serves.
func TestGetTables(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	runs := []view.RunView{
		{ID: "1", Kind: "backup", Object: "policy/aes-prod-nightly", Server: "aes-prod", Started: t0, Finished: t0.Add(95 * time.Second), DurationSeconds: 95,
			Result: state.RunSucceeded, Set: "20261121T010000Z", SizeBytes: 1 << 30, Steps: []view.StepView{
				{Name: "stop-iis", State: state.StepDone, DurationSeconds: 0.042}, {Name: "avbackup", State: state.StepDone, DurationSeconds: 61.25},
				{Name: "replicate", State: state.StepSkipped, Error: "no copies"}}},
		{ID: "2", Kind: "restore", Object: "restore/staging-refresh", Server: "aes-staging", Started: t0.Add(time.Hour), Finished: t0.Add(time.Hour + 30*time.Second), DurationSeconds: 30,
			Result: state.RunFailed, FailedStep: "imp", Error: "IMP-00003: ORACLE error 1950\nencountered", Steps: []view.StepView{
				{Name: "imp", State: state.StepFailed, DurationSeconds: 12}, {Name: "revoke-dba", State: state.StepStarted}}},
	}
	src := view.SourceView{Source: state.Source{URL: "file:///srv/manifests", LastApplied: "abc123", LastAttempted: "def456", LastSync: t0, SyncErrors: 1,
		Reason: "ManifestsInvalid", Errors: []string{"altium.yaml: BackupPolicy/x: spec.maxAge: required", "altium.yaml: BackupPolicy/x: spec.server: Server \"y\" not found"}},
		Revision: "abc123", Rejected: true}
	for _, c := range []struct {
		kind string
		v    any
	}{{"runs", runs}, {"source", src}, {"source-ok", view.SourceView{Source: state.Source{LastApplied: "abc123", LastAttempted: "abc123", Ready: true}, Revision: "abc123"}}} {
		t.Run(c.kind, func(t *testing.T) {
			raw, err := json.Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			kind := c.kind
			if kind == "source-ok" {
				kind = "source"
			}
			var b bytes.Buffer
			if err := printTable(&b, kind, raw); err != nil {
				t.Fatal(err)
			}
			testtool.Golden(t, filepath.Join("testdata", "get-"+c.kind+".txt"), b.Bytes())
		})
	}
}
