package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestWriteActionsNeedBearer: a write action needs "Authorization: Bearer TOKEN"; the raw
// token, another scheme or Basic auth is refused.
func TestWriteActionsNeedBearer(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const token = "0123456789abcdef0123456789abcdef"
	h := Handler(reconciler.New(reconciler.Options{Agent: "a", Store: store}), token, nil)
	for _, c := range []struct {
		auth string
		want int
	}{
		{"Bearer " + token, http.StatusOK},
		{token, http.StatusUnauthorized},
		{"Token " + token, http.StatusUnauthorized},
		{"Basic OnRva2Vu", http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
	} {
		r := httptest.NewRequest("POST", "/api/v1/reconcile?object=source", nil)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("Authorization %q: %d %s, want %d", c.auth, w.Code, w.Body, c.want)
		}
	}
}
