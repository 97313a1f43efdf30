package sqlplus

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
)

// TestFailedCreateUserIsMasked: SQL*Plus echoes a failing statement ("CREATE USER … IDENTIFIED
// BY "pw" …", "*", "ERROR at line 1:"); the password must reach neither the debug log nor
// the error.
func TestFailedCreateUserIsMasked(t *testing.T) {
	h := simtest.Init(t, "--tables", "1", "--rows", "1")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := NewAdmin(Config{Path: h.Bin("sqlplus"), Log: log}, oracle.Options{DropBackoff: -1})
	defer a.Close()
	const pw = "Leak3dIfSeen"
	// AESUSER313 exists: ORA-01920.
	err := a.CreateUser(context.Background(), "AESUSER313", pw, "USERS")
	if err == nil {
		t.Fatal("CREATE USER of an existing user succeeded")
	}
	if oracle.Code(err) != 1920 {
		t.Fatalf("error %v: want ORA-01920", err)
	}
	if !strings.Contains(logs.String(), "CREATE USER") || !strings.Contains(logs.String(), "ERROR at line 1") {
		t.Fatalf("the debug log lacks SQL*Plus's echo of the statement, the test proves nothing:\n%s", logs.String())
	}
	for what, text := range map[string]string{"error": err.Error(), "debug log": logs.String()} {
		if strings.Contains(text, pw) {
			t.Errorf("the password leaked into the %s:\n%s", what, text)
		}
	}
	if !strings.Contains(logs.String(), `IDENTIFIED BY \"***\"`) {
		t.Errorf("the echo is not masked as IDENTIFIED BY \"***\":\n%s", logs.String())
	}
}
