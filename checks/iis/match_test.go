package iis

import (
	"path/filepath"
	"testing"
)

func TestServing(t *testing.T) {
	c, err := ParseFile(filepath.Join("testdata", "aspnetcore-docs-wildcard.config"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		site, domain string
		binding      string
		how          How
	}{
		{"Default Web Site", "aes.corp.example.com", "https/*:443:", AnyHost}, // http *:80: does not count: Altium is https
		{"Contoso", "intranet.contoso.com", "http/*:80:*.contoso.com", Wildcard},
		{"Contoso", "BLOGS.Contoso.com", "http/*:80:*.contoso.com", Wildcard},
		{"Contoso", "a.b.contoso.com", "http/*:80:*.contoso.com", Wildcard},
		{"Contoso", "contoso.com", "", NoMatch}, // the wildcard needs a label before its suffix
		{"Contoso", "notcontoso.com", "", NoMatch},
		{"NewApplication", "sub.domain.com", "http/:8181:sub.domain.com", Exact},
		{"NewApplication", "other.domain.com", "", NoMatch},
	}
	for _, tt := range tests {
		s, ok := c.Site(tt.site)
		if !ok {
			t.Fatalf("no site %s", tt.site)
		}
		b, how := s.Serving(tt.domain)
		got := ""
		if how != NoMatch {
			got = b.String()
		}
		if how != tt.how || got != tt.binding {
			t.Errorf("%s serving %s = %q, %v; want %q, %v", tt.site, tt.domain, got, how, tt.binding, tt.how)
		}
	}
	// An exact host name wins over a wildcard and over a binding without host name.
	s := &Site{Bindings: []Binding{
		{Protocol: "https", IP: "*", Port: 443, Information: "*:443:"},
		{Protocol: "https", IP: "*", Port: 443, Host: "*.corp.example.com", Information: "*:443:*.corp.example.com"},
		{Protocol: "https", IP: "*", Port: 443, Host: "aes.corp.example.com", Information: "*:443:aes.corp.example.com"},
	}}
	if b, how := s.Serving("aes.corp.example.com"); how != Exact || b.Host != "aes.corp.example.com" {
		t.Errorf("Serving = %v, %v; want the exact binding", b, how)
	}
	if b, how := s.Serving("nexus.corp.example.com"); how != Wildcard || b.Host != "*.corp.example.com" {
		t.Errorf("Serving = %v, %v; want the wildcard binding", b, how)
	}
}
