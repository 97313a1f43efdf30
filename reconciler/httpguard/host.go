package httpguard

import (
	"net"
	"net/http"
	"strings"
)

// isLoopback reports whether addr (a listener's address) accepts only loopback clients.
// An unspecified address (0.0.0.0, ::) is not loopback.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// hostNames are the Host header names a loopback listener answers to: localhost, the
// address it is bound to, and the host written in its configured address.
func hostNames(configured string, bound net.Addr) map[string]bool {
	names := map[string]bool{"localhost": true}
	if tcp, ok := bound.(*net.TCPAddr); ok {
		names[tcp.IP.String()] = true
	}
	if h, _, err := net.SplitHostPort(configured); err == nil && h != "" {
		names[strings.ToLower(h)] = true
	}
	return names
}

// checkHost wraps next for a loopback listener: a request whose Host header names another
// host is refused, so a web page whose DNS name was rebound to 127.0.0.1 cannot read the
// API from the admin's browser.
func checkHost(names map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Host
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
		if !names[h] {
			http.Error(w, "Host header "+quote(r.Host)+" does not name this agent's loopback listener (use localhost or the address it listens on)", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}
