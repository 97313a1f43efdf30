package notifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// SignatureHeader is the header the receiver verifies, as the README tells receivers to.
const SignatureHeader = "X-Vaultkeeper-Signature-256"

// Request is one POST the receiver got.
type Request struct {
	Header http.Header
	Body   []byte
	// Payload is the JSON body (every field vaultkeeper sends is a string).
	Payload map[string]string
	// SignatureOK: the signature header verified with the receiver's secret, the way the
	// README tells a receiver to (written here independently of package notify).
	SignatureOK bool
}

// Receiver is a webhook receiver on 127.0.0.1.
type Receiver struct {
	URL string

	secret []byte
	mu     sync.Mutex
	reqs   []Request
	fail   int // answer the next fail requests with status
	status int
	hits   int
}

// NewReceiver starts a receiver that verifies signatures with secret (none when empty); the
// test's cleanup stops it.
func NewReceiver(t testing.TB, secret string) *Receiver {
	t.Helper()
	r := &Receiver{secret: []byte(secret)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/hooks/vaultkeeper?token=t0ps3cret"
	return r
}

// FailNext answers the next n requests with status (and does not keep them).
func (r *Receiver) FailNext(n, status int) {
	r.mu.Lock()
	r.fail, r.status = n, status
	r.mu.Unlock()
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits++
	if r.fail > 0 {
		r.fail--
		http.Error(w, "receiver failing on purpose", r.status)
		return
	}
	got := Request{Header: req.Header.Clone(), Body: body}
	if err := json.Unmarshal(body, &got.Payload); err != nil {
		http.Error(w, "not JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	got.SignatureOK = len(r.secret) > 0 && verify(r.secret, body, req.Header.Get(SignatureHeader))
	r.reqs = append(r.reqs, got)
	w.WriteHeader(http.StatusNoContent)
}

// verify checks "sha256=" + hex(HMAC-SHA256(secret, body)) in constant time.
func verify(secret, body []byte, header string) bool {
	sum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Hits counts every POST, refused ones included.
func (r *Receiver) Hits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

// Requests returns the accepted requests so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// WaitRequests polls until at least n requests arrived, failing the test after limit.
func (r *Receiver) WaitRequests(t testing.TB, n int, limit time.Duration) []Request {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if got := r.Requests(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook receiver: %d request(s) after %s, want %d", len(r.Requests()), limit, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
