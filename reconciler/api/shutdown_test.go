package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestShutdownRequest: POST /api/v1/shutdown with the API token asks for a graceful shutdown
// (SIGTERM's stand-in on Windows); without it, nothing happens.
func TestShutdownRequest(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := reconciler.New(reconciler.Options{Agent: "a", Store: store})
	h := Handler(a, "tok", nil)
	for _, c := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"Bearer tok", http.StatusOK}} {
		select {
		case <-a.ShutdownRequested():
			t.Fatalf("shutdown requested before a request with the token (auth %q)", c.auth)
		default:
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/shutdown", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Fatalf("POST /api/v1/shutdown with %q: %d, want %d", c.auth, rec.Code, c.want)
		}
	}
	select {
	case <-a.ShutdownRequested():
	default:
		t.Fatal("no shutdown requested after an authenticated request")
	}
}
