package oralog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// TestGolden classifies every testdata/*.log and compares with its .golden.
func TestGolden(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join("testdata", "*.log"))
	real, _ := filepath.Glob(filepath.Join("testdata", "real", "*.log"))
	logs = append(logs, real...)
	if err != nil || len(logs) == 0 {
		t.Fatalf("no logs: %v", err)
	}
	for _, path := range logs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := Parse(f)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(res, "", "  ")
			testtool.Golden(t, strings.TrimSuffix(path, ".log")+".golden", append(got, '\n'))
		})
	}
}

// TestVerdicts pins the verdict of each log independently of the golden files.
func TestVerdicts(t *testing.T) {
	want := map[string]Verdict{
		"exp-ok": Success, "exp-warnings": SuccessWithWarnings, "exp-logon-failed": Failure,
		"exp-cut-off": Failure, "empty": Failure, "imp-ok": Success, "imp-privileges": SuccessWithWarnings,
		"imp-cannot-open": Failure, "imp-truncated-dump": Failure, "expdp-logtime-ok": Success,
		"impdp-errors": SuccessWithWarnings, "expdp-fatal": Failure, "expdp-ude": Failure,
		"exp-ok-but-codes": SuccessWithWarnings,
	}
	for name, v := range want {
		f, err := os.Open(filepath.Join("testdata", name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Parse(f)
		f.Close()
		if err != nil || res.Verdict != v {
			t.Errorf("%s: verdict %v (%s), want %v", name, res.Verdict, res.Reason, v)
		}
	}
}

func TestRowsAndMetadata(t *testing.T) {
	read := func(name string) Result {
		f, err := os.Open(filepath.Join("testdata", name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := Parse(f)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	exp := read("exp-ok")
	if exp.Rows["ALU_ITEMREVISION"] != 25034 || exp.Rows["ALU_FOLDER"] != 0 || len(exp.Rows) != 3 || exp.Charset != "WE8MSWIN1252" {
		t.Errorf("exp-ok = %+v", exp)
	}
	dp := read("expdp-logtime-ok")
	if dp.Rows["ALU_ITEM"] != 100000 || dp.Rows["ALU_PART"] != 1900 {
		t.Errorf("expdp rows = %v (partitions add up to their table)", dp.Rows)
	}
	imp := read("imp-privileges")
	if imp.ExportVersion != "EXPORT:V21.00.00" || imp.Rows["DEPT"] != 4 || strings.Join(imp.Codes, ",") != "IMP-00017,IMP-00003,ORA-01031" {
		t.Errorf("imp-privileges = %+v", imp)
	}
	if e := read("impdp-errors"); e.Errors != 4 {
		t.Errorf("impdp errors = %d", e.Errors)
	}
}

// TestDecisive: the line a failure message leads with is the database's own (ORA-), else the
// fatal EXP-/IMP- code, never the generic "terminated unsuccessfully".
func TestDecisive(t *testing.T) {
	for _, c := range []struct{ name, log, want string }{
		{"logon refused", "EXP-00056: ORACLE error 1017 encountered\nORA-01017: invalid username/password; logon denied\nEXP-00000: Export terminated unsuccessfully\n",
			"ORA-01017: invalid username/password; logon denied"},
		{"disk full", ". . exporting table   ALU_ITEM\nEXP-00002: error in writing to export file\nEXP-00000: Export terminated unsuccessfully\n",
			"EXP-00002: error in writing to export file"},
		{"only the final line", "EXP-00000: Export terminated unsuccessfully\n", "EXP-00000: Export terminated unsuccessfully"},
		{"no code", "Export terminated successfully without warnings.\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(strings.NewReader(c.log))
			if err != nil {
				t.Fatal(err)
			}
			if got := Decisive(r); got != c.want {
				t.Errorf("Decisive = %q, want %q", got, c.want)
			}
		})
	}
}
