package api

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestWriteRequestsAreAudited: every reconcile, suspend and resume request is logged with
// who asked (the token's fingerprint, never the token), from where and what came of it; a
// request without the token is logged as refused (issue 16).
func TestWriteRequestsAreAudited(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const token = "0123456789abcdef0123456789abcdef"
	var logs bytes.Buffer
	a := reconciler.New(reconciler.Options{Agent: "a", Store: store, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	h := Handler(a, token, nil)
	for _, c := range []struct {
		path, auth string
		want       []string
	}{
		{"/api/v1/reconcile?object=source", "Bearer " + token,
			[]string{`msg="api request"`, "action=reconcile", "object=source", `by="api-token holder (sha256:`, "remote=192.0.2.7:4711", "status=200", "forwarded_for=198.51.100.1"}},
		{"/api/v1/suspend?object=policy/nope", "Bearer " + token,
			[]string{`msg="api request"`, "action=suspend", "object=policy/nope", "status=404"}},
		{"/api/v1/resume?object=policy/x", "",
			[]string{"level=WARN", `msg="api request refused: no valid token"`, "action=resume", "object=policy/x", "remote=192.0.2.7:4711"}},
	} {
		logs.Reset()
		r := httptest.NewRequest("POST", c.path, nil)
		r.RemoteAddr = "192.0.2.7:4711"
		r.Header.Set("X-Forwarded-For", "198.51.100.1")
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		for _, w := range c.want {
			if !strings.Contains(logs.String(), w) {
				t.Errorf("%s: log lacks %q:\n%s", c.path, w, logs.String())
			}
		}
		if strings.Contains(logs.String(), token) {
			t.Errorf("%s: the token reached the log", c.path)
		}
	}
	logs.Reset()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/policies", nil))
	if strings.Contains(logs.String(), "api request") {
		t.Errorf("a read was audited as a write: %s", logs.String())
	}
}
