package source

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// DefaultWebhookMaxBody is a body limit that fits any push event of a manifests repo.
const DefaultWebhookMaxBody = 1 << 20

// Signature headers accepted by the webhook, first match wins.
const (
	HeaderGitHubSignature = "X-Hub-Signature-256"
	HeaderSignature       = "X-Signature"
)

type webhook struct {
	secret  []byte
	maxBody int64
	trigger func()
	log     *slog.Logger
}

// NewWebhook returns a handler that calls trigger for every POST whose body (at most
// maxBody bytes; 0 means DefaultWebhookMaxBody) is signed with secret: a header
// X-Hub-Signature-256 or X-Signature of the form "sha256=<hex of HMAC-SHA256(body)>".
// Answers: 202 triggered, 401 missing or bad signature, 405 not a POST, 413 body too large,
// 400 unreadable body. trigger runs on the request's goroutine and must not block (a
// non-blocking send on a buffered channel). An empty secret rejects every request.
func NewWebhook(secret []byte, maxBody int64, trigger func(), log *slog.Logger) http.Handler {
	if maxBody <= 0 {
		maxBody = DefaultWebhookMaxBody
	}
	log = orDiscard(log).With("component", "webhook")
	if len(secret) == 0 {
		log.Error("webhook secret is empty: every request will be rejected")
	}
	return &webhook{secret: append([]byte(nil), secret...), maxBody: maxBody, trigger: trigger, log: log}
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength > h.maxBody {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading request body failed", http.StatusBadRequest)
		return
	}
	if !h.valid(r.Header, body) {
		h.log.Warn("webhook request rejected: missing or bad signature", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	h.log.Debug("webhook accepted", "remote", r.RemoteAddr, "event", r.Header.Get("X-GitHub-Event"))
	h.trigger()
	w.WriteHeader(http.StatusAccepted)
}

// valid checks the first signature header present. Comparison is constant time.
func (h *webhook) valid(hdr http.Header, body []byte) bool {
	if len(h.secret) == 0 {
		return false
	}
	sig := hdr.Get(HeaderGitHubSignature)
	if sig == "" {
		sig = hdr.Get(HeaderSignature)
	}
	hexSum, ok := strings.CutPrefix(sig, "sha256=")
	if !ok || len(hexSum) != 2*sha256.Size {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
