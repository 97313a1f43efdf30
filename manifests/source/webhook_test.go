package source

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

var testSecret = []byte("webhook-secret")

func sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestWebhook(t *testing.T) {
	body := []byte(`{"ref":"refs/heads/main"}`)
	good := sign(testSecret, body)
	big := []byte(strings.Repeat("x", 200))
	cases := []struct {
		name       string
		secret     []byte
		method     string
		headers    map[string]string
		body       []byte
		chunked    bool // hide the length, so only MaxBytesReader can catch it
		wantStatus int
	}{
		{name: "github signature", method: "POST", headers: map[string]string{"X-Hub-Signature-256": good}, body: body, wantStatus: 202},
		{name: "generic signature", method: "POST", headers: map[string]string{"X-Signature": good}, body: body, wantStatus: 202},
		{name: "upper-case hex", method: "POST", headers: map[string]string{"X-Signature": "sha256=" + strings.ToUpper(good[7:])}, body: body, wantStatus: 202},
		{name: "GET", method: "GET", headers: map[string]string{"X-Hub-Signature-256": good}, wantStatus: 405},
		{name: "PUT", method: "PUT", headers: map[string]string{"X-Hub-Signature-256": good}, body: body, wantStatus: 405},
		{name: "missing signature", method: "POST", body: body, wantStatus: 401},
		{name: "wrong secret", method: "POST", headers: map[string]string{"X-Hub-Signature-256": sign([]byte("other"), body)}, body: body, wantStatus: 401},
		{name: "body tampered", method: "POST", headers: map[string]string{"X-Hub-Signature-256": good}, body: append([]byte(" "), body...), wantStatus: 401},
		{name: "sha1 scheme", method: "POST", headers: map[string]string{"X-Hub-Signature-256": "sha1=" + good[7:]}, body: body, wantStatus: 401},
		{name: "not hex", method: "POST", headers: map[string]string{"X-Signature": "sha256=" + strings.Repeat("zz", 32)}, body: body, wantStatus: 401},
		{name: "truncated", method: "POST", headers: map[string]string{"X-Signature": good[:40]}, body: body, wantStatus: 401},
		{name: "bad github header not rescued by generic", method: "POST",
			headers: map[string]string{"X-Hub-Signature-256": "sha256=00", "X-Signature": good}, body: body, wantStatus: 401},
		{name: "oversize with length", method: "POST", headers: map[string]string{"X-Signature": sign(testSecret, big)}, body: big, wantStatus: 413},
		{name: "oversize chunked", method: "POST", headers: map[string]string{"X-Signature": sign(testSecret, big)}, body: big, chunked: true, wantStatus: 413},
		{name: "empty secret rejects all", secret: []byte{}, method: "POST", headers: map[string]string{"X-Signature": sign(nil, body)}, body: body, wantStatus: 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var triggered atomic.Int32
			secret := testSecret
			if c.secret != nil {
				secret = c.secret
			}
			h := NewWebhook(secret, 100, func() { triggered.Add(1) }, nil)
			var r io.Reader = strings.NewReader(string(c.body))
			if c.chunked {
				r = io.MultiReader(r) // not a *strings.Reader: ContentLength stays unknown
			}
			req := httptest.NewRequest(c.method, "/hook", r)
			if c.chunked {
				req.ContentLength = -1
			}
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.wantStatus {
				t.Errorf("status = %d, want %d (body %q)", rec.Code, c.wantStatus, rec.Body.String())
			}
			if want := int32(0); c.wantStatus == 202 {
				want = 1
				if got := triggered.Load(); got != want {
					t.Errorf("trigger called %d times, want %d", got, want)
				}
			} else if got := triggered.Load(); got != want {
				t.Errorf("trigger called %d times on a rejected request", got)
			}
			if strings.Contains(rec.Body.String(), good[7:]) {
				t.Error("response leaks the expected signature")
			}
			if c.wantStatus == 405 && rec.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", rec.Header().Get("Allow"))
			}
		})
	}
}

// FuzzWebhook feeds arbitrary methods, headers and bodies: the handler must never panic,
// answer only with its documented codes, and trigger exactly when the body fits and its
// signature is right.
func FuzzWebhook(f *testing.F) {
	body := []byte(`{"ref":"refs/heads/main"}`)
	f.Add(true, uint8(0), sign(testSecret, body), body)
	f.Add(true, uint8(1), sign(testSecret, body), body)
	f.Add(true, uint8(0), "sha256=", body)
	f.Add(false, uint8(0), sign(testSecret, nil), []byte{})
	f.Add(true, uint8(2), "", []byte(strings.Repeat("y", 300)))
	const maxBody = 256
	f.Fuzz(func(t *testing.T, post bool, header uint8, sig string, body []byte) {
		var triggered atomic.Int32
		h := NewWebhook(testSecret, maxBody, func() { triggered.Add(1) }, nil)
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, "/hook", strings.NewReader(string(body)))
		name := []string{HeaderGitHubSignature, HeaderSignature, "X-Other"}[int(header)%3]
		req.Header[name] = []string{sig} // raw, as a client could send it
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		want := http.StatusUnauthorized
		switch {
		case !post:
			want = http.StatusMethodNotAllowed
		case len(body) > maxBody:
			want = http.StatusRequestEntityTooLarge
		case name != "X-Other" && strings.EqualFold(sig, sign(testSecret, body)) && strings.HasPrefix(sig, "sha256="):
			want = http.StatusAccepted
		}
		if rec.Code != want {
			t.Fatalf("status %d, want %d", rec.Code, want)
		}
		if (triggered.Load() == 1) != (want == http.StatusAccepted) {
			t.Fatalf("triggered %d times with status %d", triggered.Load(), rec.Code)
		}
	})
}

func TestSanitizeURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://user:tok3n@github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://ghp_tokenonly@github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"ssh://git:pw@host:2222/repo.git", "ssh://git@host:2222/repo.git"},
		{"git@github.com:org/repo.git", "git@github.com:org/repo.git"},
		{"file:///srv/repo.git", "file:///srv/repo.git"},
		{"https://u:p%zz@host/repo", "https://redacted@host/repo"},
	}
	for _, c := range cases {
		if got := SanitizeURL(c.in); got != c.want {
			t.Errorf("SanitizeURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
