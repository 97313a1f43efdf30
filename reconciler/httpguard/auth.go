package httpguard

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// BearerOK reports whether r carries token as "Authorization: Bearer TOKEN". A raw token
// without the scheme, another scheme or an empty token never passes.
func BearerOK(r *http.Request, token string) bool {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return equal(strings.TrimSpace(cred), token)
}

// basicOK reports whether r carries token as the HTTP Basic password (any user name).
func basicOK(r *http.Request, token string) bool {
	_, pw, ok := r.BasicAuth()
	return ok && equal(pw, token)
}

func equal(got, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// openPaths are served without a token on every listener: Prometheus scrapes /metrics and
// probes /healthz and /readyz, none of which reveal more than the revision served.
var openPaths = map[string]bool{"/metrics": true, "/healthz": true, "/readyz": true}

// webhookPath authenticates itself with its HMAC signature.
const webhookPath = "/webhook"

// requireToken wraps next for a non-loopback listener: /api/ needs Bearer, the open paths
// and the webhook pass, everything else (the status page /) needs Basic auth or Bearer.
func requireToken(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case openPaths[p] || p == webhookPath:
		case strings.HasPrefix(p, "/api/"):
			if !BearerOK(r, token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="vaultkeeper"`)
				http.Error(w, "this agent listens beyond loopback: every API request needs \"Authorization: Bearer TOKEN\" (the token is the api-token file in the agent's state dir)", http.StatusUnauthorized)
				return
			}
		default:
			if !basicOK(r, token) && !BearerOK(r, token) {
				w.Header().Set("WWW-Authenticate", `Basic realm="vaultkeeper", charset="UTF-8"`)
				http.Error(w, "log in with any user name and the agent's API token (the api-token file in its state dir) as password", http.StatusUnauthorized)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// onlyPaths serves the open paths of next and answers 404 to everything else (the metrics
// listener).
func onlyPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !openPaths[r.URL.Path] {
			http.Error(w, "this listener serves only /metrics, /healthz and /readyz", http.StatusNotFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// NoWriteTimeout lifts the server's WriteTimeout for a streaming handler (a log tail, an
// event stream); the read side and the idle timeout still apply.
func NoWriteTimeout(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})
}
