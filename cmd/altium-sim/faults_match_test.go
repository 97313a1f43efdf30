package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFaultMatchHoldsOneSQLPlusCall: a sqlplus fault with match applies only to the call
// whose script holds the text, so each sqlplus step of a restore can be held on its own.
func TestFaultMatchHoldsOneSQLPlusCall(t *testing.T) {
	h := newHost(t)
	release := filepath.Join(t.TempDir(), "release")
	h.writeFaults("sqlplus:\n  match: GRANT DBA\n  hangUntil: " + release + "\n  count: 1\n")
	r := h.runIn("CONNECT / AS SYSDBA\nSELECT USERNAME FROM DBA_USERS WHERE USERNAME = 'AESUSER313';\nEXIT\n", "sqlplus", "-S", "/nolog")
	mustCode(t, "a query that does not match", r, 0)
	done := make(chan result, 1)
	go func() {
		done <- h.runIn("CONNECT / AS SYSDBA\nGRANT DBA TO AESUSER313;\nEXIT\n", "sqlplus", "-S", "/nolog")
	}()
	h.held("sqlplus", "hangUntil")
	select {
	case r := <-done:
		t.Fatalf("the matching call was not held: %+v", r)
	default:
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		mustCode(t, "the held call, released", r, 0)
	case <-time.After(10 * time.Second):
		t.Fatal("the held call did not finish after its release")
	}
	var held bool
	for _, e := range h.events() {
		held = held || (e.Tool == "sqlplus" && e.Phase == "start" && e.Pid > 0)
	}
	if !held {
		t.Error("no sqlplus start event with a pid")
	}
	r = h.runIn("CONNECT / AS SYSDBA\nREVOKE DBA FROM AESUSER313;\nEXIT\n", "sqlplus", "-S", "/nolog")
	mustCode(t, "after the count is used up", r, 0)
}
