package host

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLookupTNSLastWins: like Oracle Net, the simulated tools use the last definition of an alias.
func TestLookupTNSLastWins(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tnsnames.ora")
	data := RenderTnsnames("XE", "first-db") + "\n" + RenderTnsnames("xe", "second-db")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	e, ok, err := LookupTNS(p, "Xe")
	if err != nil || !ok || e.Host != "second-db" || e.Port != 1521 || e.Service != "XE" {
		t.Fatalf("LookupTNS = %+v, %v, %v; want the second definition", e, ok, err)
	}
}

// TestLookupTNSDomainAndEasyConnect: the simulated tools qualify an alias with sqlnet.ora's
// NAMES.DEFAULT_DOMAIN and read Easy Connect values, as Oracle Net does.
func TestLookupTNSDomainAndEasyConnect(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sqlnet.ora", "NAMES.DIRECTORY_PATH= (TNSNAMES, EZCONNECT)\nNAMES.DEFAULT_DOMAIN = corp\n")
	write("tnsnames.ora", RenderTnsnames("XE.CORP", "db01")+"DEV.corp = tcp://devdb:1522/devpdb\nPLAIN = //plain/svc\n")
	p := filepath.Join(dir, "tnsnames.ora")
	for alias, want := range map[string]TNSEntry{
		"xe":      {Host: "db01", Port: 1521, Service: "XE.CORP"},
		"XE.corp": {Host: "db01", Port: 1521, Service: "XE.CORP"},
		"dev":     {Host: "devdb", Port: 1522, Service: "devpdb"},
		"PLAIN.":  {Host: "plain", Port: 1521, Service: "svc"},
	} {
		e, ok, err := LookupTNS(p, alias)
		if err != nil || !ok || e != want {
			t.Errorf("LookupTNS(%q) = %+v, %v, %v; want %+v", alias, e, ok, err, want)
		}
	}
	if _, ok, _ := LookupTNS(p, "plain"); ok {
		t.Error("plain resolved without its domain; Oracle Net looks up plain.corp")
	}
}
