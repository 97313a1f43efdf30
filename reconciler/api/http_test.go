package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

func TestHandler(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := reconciler.New(reconciler.Options{Agent: "a1", Store: store, Version: "test"})
	var h http.Handler = Handler(a, "secret-token", nil)
	cases := []struct {
		method, path, token string
		code                int
		body                string
	}{
		{"GET", "/healthz", "", 200, "ok"},
		{"GET", "/readyz", "", 503, "no valid revision"},
		{"GET", "/api/v1/policies", "", 200, "[]"},
		{"GET", "/api/v1/backups", "", 200, "[]"},
		{"GET", "/api/v1/plan", "", 200, `"actions"`},
		{"GET", "/api/v1/runs", "", 200, "[]"},
		{"GET", "/api/v1/source", "", 200, `"rejected": false`},
		{"GET", "/", "", 200, "<!DOCTYPE html>"},
		{"GET", "/nonsense", "", 404, "404"},
		{"GET", "/api/v1/nonsense", "", 404, "unknown kind nonsense"},
		{"POST", "/api/v1/reconcile?object=policy/x", "", 401, "token"},
		{"POST", "/api/v1/reconcile?object=policy/x", "wrong", 401, "token"},
		{"POST", "/api/v1/reconcile?object=policy/x", "secret-token", 404, "policy/x: no such object"},
		{"POST", "/api/v1/suspend?object=policy/x", "secret-token", 404, "not a policy of this agent"},
		{"GET", "/metrics", "", 200, "vaultkeeper_"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" "+c.token, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, nil)
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.body) {
				t.Fatalf("%d %q, want %d containing %q", rec.Code, rec.Body.String(), c.code, c.body)
			}
		})
	}
}

func TestRenderServesJSON(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := reconciler.New(reconciler.Options{Agent: "a1", Store: store})
	for _, kind := range []string{"servers", "policies", "backups", "restores", "checks", "source", "runs", "plan"} {
		v, ok := Render(a.Read(), kind)
		if !ok {
			t.Fatalf("%s: not served", kind)
		}
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if _, ok := Render(a.Read(), "nonsense"); ok {
		t.Error("an unknown kind was rendered")
	}
}
