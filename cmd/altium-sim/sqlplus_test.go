package main

import (
	"strings"
	"testing"
)

// TestSqlplusThroughDispatcher: DROP USER hits ORA-01940 while IIS runs (the application
// holds sessions) and works once IIS is stopped; the call is logged like every tool.
func TestSqlplusThroughDispatcher(t *testing.T) {
	h := newHost(t)
	script := "WHENEVER SQLERROR EXIT SQL.SQLCODE\nDROP USER AESUSER313 CASCADE;\nEXIT\n"
	r := h.runIn(script, "sqlplus", "-S", "/ as sysdba")
	if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "ORA-01940") {
		t.Fatalf("drop with IIS running: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustCode(t, "net stop WAS /y", h.run("net", "stop", "WAS", "/y"), 0)
	mustCode(t, "drop with IIS stopped", h.runIn(script, "sqlplus", "-S", "/ as sysdba"), 0)
	ev := h.events()
	if last := ev[len(ev)-1]; last.Tool != "sqlplus" || last.Phase != "end" {
		t.Fatalf("last event = %+v", last)
	}
}
