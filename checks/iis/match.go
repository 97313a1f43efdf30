package iis

import "strings"

// How says how a binding's host name serves a domain.
type How int

const (
	// NoMatch: the binding does not serve the domain.
	NoMatch How = iota
	// Exact: the host name is the domain (compared case-insensitively, as IIS does).
	Exact
	// Wildcard: an IIS 10 wildcard host name ("*.corp.example.com") covers the domain: a
	// domain one or more labels below the wildcard's suffix, never the suffix itself.
	Wildcard
	// AnyHost: an https binding with no host name answers every host on its address and port.
	AnyHost
)

func (h How) String() string {
	switch h {
	case Exact:
		return "exact host name"
	case Wildcard:
		return "wildcard host name"
	case AnyHost:
		return "https binding without a host name (any host)"
	}
	return "no match"
}

// Matches says how b serves domain. Only http and https bindings serve a web domain; an
// empty host name counts only on https, the binding the Altium clients use.
func (b Binding) Matches(domain string) How {
	p := strings.ToLower(b.Protocol)
	if p != "http" && p != "https" || domain == "" {
		return NoMatch
	}
	host := b.Host
	switch {
	case strings.EqualFold(host, domain):
		return Exact
	case strings.HasPrefix(host, "*."):
		suffix := host[1:] // ".corp.example.com"
		if len(domain) > len(suffix) && strings.EqualFold(domain[len(domain)-len(suffix):], suffix) {
			return Wildcard
		}
	case host == "" && p == "https":
		return AnyHost
	}
	return NoMatch
}

// Serving returns the binding of s that serves domain, preferring an exact host name, then
// a wildcard, then an https binding without a host name, as http.sys routes a request to
// the most specific one.
func (s *Site) Serving(domain string) (Binding, How) {
	best, how := Binding{}, NoMatch
	for _, b := range s.Bindings {
		m := b.Matches(domain)
		if m != NoMatch && (how == NoMatch || m < how) {
			best, how = b, m
		}
	}
	return best, how
}
