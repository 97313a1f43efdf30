package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// oracleVerify is what `altium-sim verify -o json` says about the schema's grants.
type oracleVerify struct {
	Consistent     bool     `json:"consistent"`
	IISRunning     bool     `json:"iisRunning"`
	IsDBA          bool     `json:"isDBA"`
	QuotaOK        bool     `json:"quotaOK"`
	NoQuota        []string `json:"noQuota"`
	InvalidObjects int      `json:"invalidObjects"`
	Problems       []string `json:"problems"`
}

// TestE2EOracleVersions runs the backup of production and the standing restore into
// staging against each simulated Oracle: 11.2 and 12.1 (REVOKE DBA wipes quotas), 19c,
// 19c CDB with a PDB, 21c XE (always a CDB). Every host has a second (LOB) tablespace,
// views that compile with warnings on import, an object invalid for good, a glogin.sql
// that changes SQL*Plus output, and a German NLS_LANG default over an AL32UTF8 database.
// Staging must end consistent, not DBA, able to allocate in every tablespace, with no
// more invalid objects than production had.
func TestE2EOracleVersions(t *testing.T) {
	glogin, err := filepath.Abs("../altium-sim/testdata/glogin.sql")
	if err != nil {
		t.Fatal(err)
	}
	common := []string{"--tablespace", "ALTIUM_DATA", "--lob-tablespace", "ALTIUM_LOB", "--compile-warnings", "2", "--invalid-objects", "1",
		"--glogin", glogin, "--nls-lang", "GERMAN_GERMANY.WE8MSWIN1252", "--db-charset", "AL32UTF8"}
	for _, tc := range []struct {
		name  string
		args  []string
		expdp bool
	}{
		{"11.2", []string{"--oracle-version", "11.2"}, false},
		{"12.1", []string{"--oracle-version", "12.1"}, false},
		{"19c", []string{"--oracle-version", "19c"}, false},
		{"19c-cdb", []string{"--oracle-version", "19c", "--cdb", "--pdb", "ALTPDB"}, false},
		{"21c-xe", []string{"--oracle-version", "21c-xe"}, false},
		{"12.1-expdp", []string{"--oracle-version", "12.1"}, true},
		{"21c-xe-expdp", []string{"--oracle-version", "21c-xe"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, []string{"aes-prod", "aes-staging"}, true, append(tc.args, common...)...)
			if tc.expdp {
				useDataPump(t, w)
			}
			w.start()
			var r reconciler.RestoreView
			var p reconciler.PolicyView
			w.waitFor("the restore", 120*time.Second, func() bool {
				r, p = w.restoreView("staging-refresh"), w.policy("aes-prod-nightly")
				return r.RestoredSet != "" || r.LastResult == "failure" || p.LastResult == "failure"
			})
			if r.RestoredSet == "" {
				t.Fatalf("backup %s (%s), restore %s (%s)\n%s", p.LastResult, p.LastError, r.LastResult, r.LastError, harness.Tail(readFile(w.logFile), 60))
			}
			raw, err := os.ReadFile(filepath.Join(w.dir, "backups", "aes-prod", r.RestoredSet, catalog.FileMetadata))
			if err != nil {
				t.Fatal(err)
			}
			var meta catalog.Meta
			if err := json.Unmarshal(raw, &meta); err != nil {
				t.Fatal(err)
			}
			if strings.Join(meta.Oracle.Tablespaces, ",") != "ALTIUM_DATA,ALTIUM_LOB" || meta.Oracle.DefaultTablespace != "ALTIUM_DATA" || meta.Oracle.InvalidObjects == nil || *meta.Oracle.InvalidObjects != 1 {
				t.Errorf("the set's record: tablespaces %v, invalid objects %v", meta.Oracle.Tablespaces, meta.Oracle.InvalidObjects)
			}
			out, _ := exec.CommandContext(context.Background(), harness.Binary(t, harness.AltiumSim), "verify", "--root", w.hosts["aes-staging"], "-o", "json").Output()
			var v oracleVerify
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("altium-sim verify: %v: %s", err, out)
			}
			if !v.Consistent || !v.IISRunning || v.IsDBA || !v.QuotaOK || v.InvalidObjects != 1 {
				t.Errorf("staging after the restore: %+v", v)
			}
			if tc.expdp { // the next expdp backup of staging needs the directory grant back
				container := ""
				if tc.name == "21c-xe-expdp" {
					container = "XEPDB1"
				}
				a := sqlplus.NewAdmin(sqlplus.Config{Path: filepath.Join(w.hosts["aes-staging"], "bin", "sqlplus"), Container: container}, oracle.Options{})
				if err := a.CheckDirectory(context.Background(), "AESUSER313", "DATA_PUMP_DIR"); err != nil {
					t.Errorf("staging after the restore: %v", err)
				}
			}
		})
	}
}

func readFile(path string) string {
	raw, _ := os.ReadFile(path)
	return string(raw)
}

// TestE2EExportRefusesOpenSessions: with IIS stopped, sessions of the schema are still
// connected (fault db sessions: 2, as a service or a second application would): the
// backup refuses to export rather than produce a dump of several moments.
func TestE2EExportRefusesOpenSessions(t *testing.T) {
	w := newWorld(t, []string{"aes-prod"}, false)
	w.fault("aes-prod", "db:\n  sessions: 2\n")
	w.start()
	var p reconciler.PolicyView
	w.waitFor("the backup to fail", 60*time.Second, func() bool {
		p = w.policy("aes-prod-nightly")
		return p.LastResult == "failure" || p.LastResult == "success"
	})
	if p.LastResult != "failure" || !strings.Contains(p.LastError, "2 session(s) of AESUSER313 are still connected") {
		t.Fatalf("backup with sessions open: %s: %s", p.LastResult, p.LastError)
	}
	if v := w.simVerify("aes-prod"); !v.IISRunning {
		t.Errorf("IIS not started again after the refused export: %+v", v)
	}
}

// useDataPump switches every Server of the world's manifests to expdp/impdp through the
// host's DATA_PUMP_DIR.
func useDataPump(t *testing.T, w *world) {
	t.Helper()
	path := filepath.Join(w.dir, "repo", "altium.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, root := range w.hosts {
		root = filepath.ToSlash(root)
		old := "dump: {tool: exp, bin: '" + root + "/bin'}"
		if !strings.Contains(text, old) {
			t.Fatalf("manifests lack %q", old)
		}
		text = strings.ReplaceAll(text, old, "dump: {tool: expdp, bin: '"+root+"/bin', directory: DATA_PUMP_DIR, directoryPath: '"+root+"/oracle/dpdump'}")
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
