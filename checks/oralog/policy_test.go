package oralog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseFile(t *testing.T, path string) Result {
	t.Helper()
	f, err := os.Open(path)
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

// TestDecide pins the default policy on real logs (testdata/real, sources in its README)
// and built ones: verdict, acceptance and the text a reason must quote.
func TestDecide(t *testing.T) {
	tests := []struct {
		file     string
		accept   []string
		tool     string
		verdict  string
		accepted bool
		reason   string
	}{
		// Real: charset conversion on export fails even though the last line says success.
		{"real/exp-19c-charset-conversion-no-warnings.log", nil, "exp", VerdictWarning, false, "possible charset conversion"},
		{"real/exp-11.2-charset-conversion.log", nil, "", VerdictWarning, false, "EXP-00091"},
		// Real: on import the same text is a recorded warning.
		{"real/imp-11.2-charset-conversion.log", nil, "", VerdictWarning, true, "possible charset conversion"},
		// Real: 4 errors, 2 explained by ORA-39082, 2 ORA-39083 not.
		{"real/impdp-12.2-compile-warnings-and-ora-39083.log", nil, "", VerdictWarning, false, "2 unexplained"},
		{"real/impdp-12.2-compile-warnings-and-ora-39083.log", []string{"ORA-39083", "ORA-00942"}, "", VerdictWarning, true, "completed with 4 error(s)"},
		{"real/exp-21c-xe-full-unsuccessful.log", nil, "", VerdictFailure, false, "EXP-00000"},
		// Compilation warnings pass by default, when they explain every error.
		{"imp-compile-warnings.log", nil, "imp", VerdictWarning, true, "successfully with warnings"},
		{"impdp-compile-warnings.log", nil, "", VerdictWarning, true, "completed with 2 error(s)"},
		// A translated log has the same codes but no final line we can read: never accepted.
		{"imp-compile-warnings-translated.log", nil, "imp", VerdictUnknown, false, "NLS_LANG"},
		{"imp-privileges.log", nil, "", VerdictWarning, false, "IMP-00017"},
		{"exp-ok.log", nil, "", VerdictSuccess, true, "successfully without warnings"},
		{"expdp-fatal.log", nil, "", VerdictFailure, false, "stopped due to fatal error"},
		{"exp-cut-off.log", nil, "exp", VerdictUnknown, false, "cut off"},
		{"impdp-errors.log", nil, "", VerdictWarning, false, "unexplained"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			d := Policy{Accept: tc.accept}.Decide(parseFile(t, filepath.Join("testdata", tc.file)), tc.tool)
			if d.Verdict != tc.verdict || d.Accepted != tc.accepted || !strings.Contains(strings.Join(d.Reasons, "\n"), tc.reason) {
				t.Errorf("Decide = %s accepted=%v\n%s\nwant %s accepted=%v, a reason with %q", d.Verdict, d.Accepted, strings.Join(d.Reasons, "\n"), tc.verdict, tc.accepted, tc.reason)
			}
		})
	}
}

func TestToolFromWording(t *testing.T) {
	for file, want := range map[string]string{
		"real/exp-11.2-charset-conversion.log": "exp", "real/imp-11.2-charset-conversion.log": "imp",
		"real/impdp-12.2-compile-warnings-and-ora-39083.log": "impdp", "expdp-logtime-ok.log": "expdp",
	} {
		if got := parseFile(t, filepath.Join("testdata", file)).Tool; got != want {
			t.Errorf("%s: tool %q, want %q", file, got, want)
		}
	}
}

func TestCheckRecordsWarnings(t *testing.T) {
	w, err := Policy{}.Check(parseFile(t, "testdata/real/imp-11.2-charset-conversion.log"), "imp")
	if err != nil || strings.Join(w, ",") != "possible charset conversion" {
		t.Fatalf("Check = %v, %v", w, err)
	}
	if _, err := (Policy{}).Check(parseFile(t, "testdata/imp-privileges.log"), "imp"); err == nil || !strings.Contains(err.Error(), "IMP-00017") {
		t.Fatalf("Check(imp-privileges) = %v", err)
	}
}
