package httpguard

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"testing"
)

type authCase struct {
	name, method, path, host string
	header                   map[string]string
	basic                    bool // send testToken as Basic password
	want                     int
}

func runCases(t *testing.T, client *http.Client, base string, cases []authCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			if c.host != "" {
				req.Host = c.host
			}
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			if c.basic {
				req.SetBasicAuth("admin", testToken)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("%s %s: status %d (%s), want %d", c.method, c.path, resp.StatusCode, body, c.want)
			}
			if c.want == http.StatusOK && string(body) != "ok "+c.path {
				t.Fatalf("body %q: the handler did not answer", body)
			}
			if c.want == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
			if c.want == http.StatusUnauthorized && strings.Contains(string(body), testToken) {
				t.Fatal("the token leaked into the answer")
			}
		})
	}
}

var bearer = map[string]string{"Authorization": "Bearer " + testToken}

// remoteCases hold on any listener that is not loopback.
var remoteCases = []authCase{
	{name: "api GET without token", method: "GET", path: "/api/v1/servers", want: 401},
	{name: "api GET with bearer", method: "GET", path: "/api/v1/servers", header: bearer, want: 200},
	{name: "api GET with lower-case scheme", method: "GET", path: "/api/v1/servers", header: map[string]string{"Authorization": "bearer " + testToken}, want: 200},
	{name: "api GET with raw token", method: "GET", path: "/api/v1/servers", header: map[string]string{"Authorization": testToken}, want: 401},
	{name: "api GET with wrong token", method: "GET", path: "/api/v1/servers", header: map[string]string{"Authorization": "Bearer " + strings.Repeat("x", len(testToken))}, want: 401},
	{name: "api GET with Basic", method: "GET", path: "/api/v1/servers", basic: true, want: 401},
	{name: "api POST without token", method: "POST", path: "/api/v1/reconcile", want: 401},
	{name: "api POST with bearer", method: "POST", path: "/api/v1/reconcile", header: bearer, want: 200},
	{name: "status page without login", method: "GET", path: "/", want: 401},
	{name: "status page with Basic", method: "GET", path: "/", basic: true, want: 200},
	{name: "status page with bearer", method: "GET", path: "/", header: bearer, want: 200},
	{name: "unknown path without login", method: "GET", path: "/debug/pprof/", want: 401},
	{name: "metrics open", method: "GET", path: "/metrics", want: 200},
	{name: "healthz open", method: "GET", path: "/healthz", want: 200},
	{name: "readyz open", method: "GET", path: "/readyz", want: 200},
	{name: "webhook left to its HMAC", method: "POST", path: "/webhook", want: 200},
	{name: "any Host header beyond loopback", method: "GET", path: "/healthz", host: "agent.example.com", want: 200},
}

func TestNonLoopbackNeedsTheToken(t *testing.T) {
	s := start(t, Config{Listen: "0.0.0.0:0", InsecureAPI: true}, echo)
	runCases(t, http.DefaultClient, "http://"+loopbackAddr(t, s.Addr()), remoteCases)
}

func TestTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	s := start(t, Config{Listen: "0.0.0.0:0", TLSCert: cert, TLSKey: key}, echo)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	runCases(t, client, "https://"+loopbackAddr(t, s.Addr()), remoteCases)
	if !strings.HasPrefix(s.URL(), "https://") {
		t.Errorf("URL %s: want https", s.URL())
	}
	// A client that does not trust the certificate is refused by its own TLS stack.
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}).Get("https://" + loopbackAddr(t, s.Addr()) + "/healthz"); err == nil {
		t.Error("an untrusted certificate was accepted")
	}
}

func TestLoopbackChecksTheHost(t *testing.T) {
	s := start(t, Config{Listen: "127.0.0.1:0"}, echo)
	port := s.Addr()[strings.LastIndex(s.Addr(), ":"):]
	runCases(t, http.DefaultClient, "http://"+s.Addr(), []authCase{
		{name: "api GET without token on loopback", method: "GET", path: "/api/v1/servers", want: 200},
		{name: "Host localhost", method: "GET", path: "/api/v1/servers", host: "localhost" + port, want: 200},
		{name: "Host LOCALHOST without port", method: "GET", path: "/healthz", host: "LOCALHOST", want: 200},
		{name: "Host 127.0.0.1", method: "GET", path: "/api/v1/servers", host: "127.0.0.1" + port, want: 200},
		{name: "rebound DNS name", method: "GET", path: "/api/v1/servers", host: "attacker.example" + port, want: http.StatusMisdirectedRequest},
		{name: "rebound DNS name on metrics", method: "GET", path: "/metrics", host: "attacker.example", want: http.StatusMisdirectedRequest},
		{name: "another loopback name", method: "GET", path: "/", host: "127.0.0.2" + port, want: http.StatusMisdirectedRequest},
	})
}

func TestRefusesPlainHTTPBeyondLoopback(t *testing.T) {
	_, err := Start(Config{Listen: "0.0.0.0:0", Token: testToken}, echo)
	if err == nil {
		t.Fatal("a non-loopback plain-HTTP API listener was accepted")
	}
	mustContain(t, err.Error(), "--listen 0.0.0.0:0", "not a loopback address", "clear text", "--tls-cert", "--insecure-api")
}

func TestStartErrors(t *testing.T) {
	cert, _, _ := selfSigned(t)
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{Listen: "127.0.0.1:0"}, "token is required"},
		{"cert without key", Config{Listen: "127.0.0.1:0", Token: testToken, TLSCert: cert}, "give both or neither"},
		{"key is not a key", Config{Listen: "127.0.0.1:0", Token: testToken, TLSCert: cert, TLSKey: cert}, "--tls-key " + cert},
		{"bad listen", Config{Listen: "127.0.0.1:notaport", Token: testToken}, "--listen 127.0.0.1:notaport"},
		{"bad metrics listen", Config{Listen: "127.0.0.1:0", MetricsListen: "127.0.0.1:notaport", Token: testToken}, "--metrics-listen 127.0.0.1:notaport"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Start(c.cfg, echo)
			if err == nil {
				s.Shutdown(t.Context())
				t.Fatal("started")
			}
			mustContain(t, err.Error(), c.want)
		})
	}
}

func TestMetricsListenerServesOnlyMetrics(t *testing.T) {
	s := start(t, Config{Listen: "127.0.0.1:0", MetricsListen: "0.0.0.0:0"}, echo)
	runCases(t, http.DefaultClient, "http://"+loopbackAddr(t, s.MetricsAddr()), []authCase{
		{name: "metrics", method: "GET", path: "/metrics", want: 200},
		{name: "healthz", method: "GET", path: "/healthz", want: 200},
		{name: "api not here", method: "GET", path: "/api/v1/servers", header: bearer, want: 404},
		{name: "status page not here", method: "GET", path: "/", basic: true, want: 404},
		{name: "webhook not here", method: "POST", path: "/webhook", want: 404},
	})
}

func TestBearerOK(t *testing.T) {
	for _, c := range []struct {
		header, token string
		want          bool
	}{
		{"Bearer " + testToken, testToken, true},
		{"BEARER  " + testToken, testToken, true},
		{testToken, testToken, false},
		{"Token " + testToken, testToken, false},
		{"Bearer" + testToken, testToken, false},
		{"Bearer ", "", false},
		{"", "", false},
		{"Bearer " + testToken + "x", testToken, false},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", c.header)
		if got := BearerOK(r, c.token); got != c.want {
			t.Errorf("BearerOK(%q, token %q) = %v, want %v", c.header, c.token, got, c.want)
		}
	}
}
