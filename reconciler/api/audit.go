package api

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
)

// audited wraps a write action (reconcile, suspend, resume, shutdown) so that the agent's
// log says who asked for what and what came of it (issue 16): the action, the object, the
// holder of the API token (named by the token's fingerprint, so that a rotated token is
// told apart), the remote address (and X-Forwarded-For, behind a proxy) and the status.
func audited(log *slog.Logger, token string, h http.HandlerFunc) http.HandlerFunc {
	by := "api-token holder (" + fingerprint(token) + ")"
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h(rec, r)
		args := []any{"action", strings.TrimPrefix(r.URL.Path, "/api/v1/"), "object", r.URL.Query().Get("object"),
			"by", by, "remote", r.RemoteAddr, "status", rec.code}
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			args = append(args, "forwarded_for", fwd)
		}
		log.Info("api request", args...)
	}
}

// refused logs a write request without a valid token, with where it came from.
func refused(log *slog.Logger, r *http.Request) {
	log.Warn("api request refused: no valid token", "action", strings.TrimPrefix(r.URL.Path, "/api/v1/"),
		"object", r.URL.Query().Get("object"), "remote", r.RemoteAddr)
}

// fingerprint names a token without revealing it: the first 8 hex digits of its SHA-256.
func fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:4])
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
