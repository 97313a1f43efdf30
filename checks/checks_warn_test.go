package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestChecksPassWithWarning: configurations the real tools accept pass, and the message
// says what Oracle Net or IIS passed over, or which binding serves the domain.
func TestChecksPassWithWarning(t *testing.T) {
	tests := []struct {
		name, check string
		setup       func(t *testing.T, h *host)
		want        []string // substrings of the message, in order
	}{
		{"another entry is broken", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", "OLD = (DESCRIPTION = (ADDRESS = (HOST = x)(PORT = 1))\n"+fmt.Sprintf(tnsTmpl, h.port))
		}, []string{"tnsnames.ora alias XE points to 127.0.0.1:", "; warning: skipped (Oracle Net passes over it too): ", "tnsnames.ora:2:1: missing ')' in OLD"}},
		{"the last of two definitions", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", "XE = elsewhere:1521/XE\n"+fmt.Sprintf(tnsTmpl, h.port))
		}, []string{"tnsnames.ora alias XE points to 127.0.0.1:", "; warning: alias XE is defined at ", "tnsnames.ora:1:1 and again at ", "tnsnames.ora:2:1; Oracle Net uses the last one"}},
		{"Easy Connect", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", fmt.Sprintf("XE = tcp://127.0.0.1:%d/XE\n", h.port))
		}, []string{"tnsnames.ora alias XE points to 127.0.0.1:"}},
		{"default domain", "tnsnames-alias", func(t *testing.T, h *host) {
			h.write(t, "sqlnet.ora", "NAMES.DEFAULT_DOMAIN = corp.example.com\n")
			h.write(t, "tnsnames.ora", strings.Replace(fmt.Sprintf(tnsTmpl, h.port), "XE =", "XE.corp.example.com =", 1))
		}, []string{"tnsnames.ora alias XE.corp.example.com points to 127.0.0.1:", "; warning: NAMES.DEFAULT_DOMAIN = corp.example.com in "}},
		{"login uses the same resolution", "oracle-login", func(t *testing.T, h *host) {
			h.write(t, "tnsnames.ora", "XE = elsewhere:1521/XE\n"+fmt.Sprintf(tnsTmpl, h.port))
		}, []string{"user AESUSER313 logs in to Oracle through alias XE (127.0.0.1:"}},
		{"https binding without host", "iis-binding", func(t *testing.T, h *host) {
			h.write(t, "applicationHost.config", strings.Replace(appHost, "*:9785:aes.corp.example.com", "*:443:", 1))
		}, []string{"IIS site Altium365 serves WebsiteDomain aes.corp.example.com through binding https/*:443: (https binding without a host name (any host)); warning: no binding names aes.corp.example.com itself"}},
		{"wildcard host", "iis-binding", func(t *testing.T, h *host) {
			h.write(t, "applicationHost.config", strings.Replace(appHost, "*:9785:aes.corp.example.com", ":9785:*.corp.example.com", 1))
		}, []string{"IIS site Altium365 serves WebsiteDomain aes.corp.example.com through binding https/:9785:*.corp.example.com (wildcard host name); warning: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHost(t)
			tt.setup(t, h)
			r, err := RunOne(context.Background(), h.env(), tt.check)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK {
				t.Fatalf("%s failed: %s", tt.check, r.Message)
			}
			rest := r.Message
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("message %q lacks %q (in order)", r.Message, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
