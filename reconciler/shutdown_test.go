package reconciler

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestShutdownRequest: POST /api/v1/shutdown with the API token asks for a graceful shutdown
// (SIGTERM's stand-in on Windows); without it, nothing happens.
func TestShutdownRequest(t *testing.T) {
	s := newSim(t, simManifests, time.Date(2026, 10, 6, 12, 0, 0, 0, time.UTC))
	h := s.a.Handler("tok", nil)
	for _, c := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"Bearer tok", http.StatusOK}} {
		select {
		case <-s.a.ShutdownRequested():
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
	case <-s.a.ShutdownRequested():
	default:
		t.Fatal("no shutdown requested after an authenticated request")
	}
}
