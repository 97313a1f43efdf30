package main

import (
	"strings"
	"testing"
)

// TestNLSLang: exp without NLS_LANG uses the host's default (the registry's, on Windows):
// a German one translates the final line and, over an AL32UTF8 database, exp reports
// "possible charset conversion" while still ending "successfully". With
// NLS_LANG=AMERICAN_AMERICA.AL32UTF8 neither happens.
func TestNLSLang(t *testing.T) {
	h := newHost(t, "--nls-lang", "GERMAN_GERMANY.WE8MSWIN1252", "--db-charset", "AL32UTF8")
	mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
	r := h.exp(t.TempDir())
	mustCode(t, "exp", r, 0)
	for _, want := range []string{"Export done in WE8MSWIN1252 character set", "server uses AL32UTF8 character set (possible charset conversion)", "Export erfolgreich ohne Warnungen beendet."} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("exp without NLS_LANG lacks %q:\n%s", want, r.stderr)
		}
	}
	h.env = append(h.env, "NLS_LANG=AMERICAN_AMERICA.AL32UTF8")
	r = h.exp(t.TempDir())
	if strings.Contains(r.stderr, "possible charset conversion") || !strings.Contains(r.stderr, "Export done in AL32UTF8 character set") ||
		!strings.Contains(r.stderr, "Export terminated successfully without warnings.") {
		t.Errorf("exp with NLS_LANG=AMERICAN_AMERICA.AL32UTF8:\n%s", r.stderr)
	}
}
