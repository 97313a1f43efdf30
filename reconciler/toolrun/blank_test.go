package toolrun

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestBlankLinesAreNoMessages: a tool's blank lines (net.exe prints many) reach the output
// as they are but never the log as empty messages (msg="", issue 16).
func TestBlankLinesAreNoMessages(t *testing.T) {
	c := helperCmd(t, "echo", "one", "", "   ", "two")
	var out, logs bytes.Buffer
	c.Output = &out
	c.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if _, err := Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if out.String() != "one\n\n   \ntwo\n" {
		t.Errorf("Output = %q", out.String())
	}
	if strings.Contains(logs.String(), `msg=""`) || strings.Contains(logs.String(), `msg="   "`) {
		t.Errorf("blank lines logged:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "msg=one") || !strings.Contains(logs.String(), "msg=two") {
		t.Errorf("the lines with text are not logged:\n%s", logs.String())
	}
}
