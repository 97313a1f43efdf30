package iis

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"

	"github.com/vaultkeeper/vaultkeeper/checks/internal/corpustest"
)

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.config"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			testtool.Golden(t, strings.TrimSuffix(path, ".config")+".golden", got)
		})
	}
}

// TestCorpus reads the real applicationHost.config of the shared corpus in place.
func TestCorpus(t *testing.T) {
	dir := corpustest.Dir(t)
	var want map[string]map[string][][3]any
	corpustest.Expected(t, dir, "iis", &want)
	for rel, sites := range want {
		t.Run(rel, func(t *testing.T) {
			c, err := ParseFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Sites) != len(sites) {
				t.Errorf("%d sites, want %d", len(c.Sites), len(sites))
			}
			for name, bindings := range sites {
				s, ok := c.Site(name)
				if !ok {
					t.Errorf("site %q not found", name)
					continue
				}
				var got, exp []string
				for _, b := range s.Bindings {
					got = append(got, strings.Join([]string{b.Protocol, itoa(b.Port), b.Host}, " "))
				}
				for _, b := range bindings {
					exp = append(exp, strings.Join([]string{b[0].(string), itoa(int(b[1].(float64))), b[2].(string)}, " "))
				}
				if strings.Join(got, ",") != strings.Join(exp, ",") {
					t.Errorf("site %q bindings %q, want %q", name, got, exp)
				}
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestParseInformation(t *testing.T) {
	tests := []struct {
		in, ip, host string
		port         int
		err          string
	}{
		{in: "*:80:", ip: "*", port: 80},
		{in: "192.168.0.1:80:www.contoso.com", ip: "192.168.0.1", port: 80, host: "www.contoso.com"},
		{in: "[::]:443:aes.example.com", ip: "::", port: 443, host: "aes.example.com"},
		{in: "[fe80::1%4]:443:", ip: "fe80::1%4", port: 443},
		{in: ":80:h", ip: "*", port: 80, host: "h"}, // empty IP: all addresses (New-WebBinding writes it so)
		{in: "*:0:", err: "port \"0\" is not 1-65535"},
		{in: "*:http:", err: "port \"http\""},
		{in: "*:80", err: "is not IP:port:host"},
		{in: "[::1:80:", err: "IPv6 address without"},
		{in: "", err: "is not IP:port:host"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ip, port, host, err := parseInformation(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || ip != tt.ip || port != tt.port || host != tt.host {
				t.Fatalf("= %q %d %q %v; want %q %d %q", ip, port, host, err, tt.ip, tt.port, tt.host)
			}
		})
	}
}

func TestSSLFlags(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{{"", 0, false}, {"1", 1, false}, {"3", 3, false}, {"Sni", 1, false}, {"sni, CentralCertStore", 3, false},
		{"None", 0, false}, {"Bogus", 0, true}, {"-1", 0, true}}
	for _, tt := range tests {
		got, err := parseSSLFlags(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("parseSSLFlags(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	wrap := func(inner string) string {
		return "<configuration>\n<system.applicationHost>\n<sites>\n" + inner + "\n</sites>\n</system.applicationHost>\n</configuration>\n"
	}
	tests := []struct {
		name, in, err string
	}{
		{"bad port", wrap(`<site name="A" id="1"><bindings><binding protocol="https" bindingInformation="*:99999:h"/></bindings></site>`), `c.config:4:`},
		{"bad id", wrap(`<site name="A" id="x"/>`), `site "A": id "x" is not a number`},
		{"bad sslFlags", wrap(`<site name="A"><bindings><binding protocol="https" bindingInformation="*:443:" sslFlags="x"/></bindings></site>`), `binding of site "A": sslFlags "x"`},
		{"syntax", "<configuration>\n<sites>\n</configuration>", "c.config:3:0: XML syntax"},
		{"truncated", "<configuration>\n<sites>", "XML syntax"},
		{"too deep", strings.Repeat("<a>", MaxDepth+1), "nested more than 64 deep"},
		{"encoding", `<?xml version="1.0" encoding="koi8-r"?><configuration/>`, `unsupported encoding "koi8-r"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.config", []byte(tt.in))
			var e *Error
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error containing %q", err, tt.err)
			}
		})
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "none.config")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.config"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<configuration><system.applicationHost><sites><site name="a" id="1"><bindings><clear/><binding protocol="http" bindingInformation="[::]:1:"/></bindings></site></sites></system.applicationHost></configuration>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.config", data)
		if err != nil {
			return
		}
		for _, s := range c.Sites {
			for _, b := range s.Bindings {
				if parsesInformation(b.Protocol) && (b.Port < 1 || b.Port > 65535) {
					t.Fatalf("binding %v has port %d", b, b.Port)
				}
			}
		}
	})
}
