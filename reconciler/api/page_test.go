package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/httpguard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// TestStatusPageBeyondLoopbackAsksForBasic keeps README "Security" true for the real
// handler: on a listener beyond loopback, / answers 401 with a Basic challenge without the
// token (as password, any user name) and the page with it; on loopback it is open.
func TestStatusPageBeyondLoopbackAsksForBasic(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const token = "0123456789abcdef0123456789abcdef"
	h := Handler(reconciler.New(reconciler.Options{Agent: "agent-a", Store: store, Version: "test"}), token, nil)
	for _, listen := range []string{"0.0.0.0:0", "127.0.0.1:0"} {
		s, err := httpguard.Start(httpguard.Config{Listen: listen, InsecureAPI: true, Token: token}, h)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			s.Shutdown(ctx)
		})
		_, port, _ := net.SplitHostPort(s.Addr())
		url := "http://127.0.0.1:" + port + "/"
		beyond := listen == "0.0.0.0:0"
		for _, c := range []struct {
			name     string
			user, pw string
			want     int
		}{
			{"no login", "", "", map[bool]int{true: 401, false: 200}[beyond]},
			{"wrong password", "admin", "wrong", map[bool]int{true: 401, false: 200}[beyond]},
			{"token as password", "admin", token, 200},
		} {
			req, _ := http.NewRequest("GET", url, nil)
			if c.user != "" {
				req.SetBasicAuth(c.user, c.pw)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("listen %s, %s: %d, want %d:\n%s", listen, c.name, resp.StatusCode, c.want, body)
			}
			switch c.want {
			case 401:
				if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
					t.Errorf("listen %s, %s: WWW-Authenticate %q, want a Basic challenge (a browser then asks for the login)", listen, c.name, resp.Header.Get("WWW-Authenticate"))
				}
			case 200:
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "agent agent-a") {
					t.Errorf("listen %s, %s: %s\n%s, want the status page", listen, c.name, resp.Header.Get("Content-Type"), body)
				}
			}
		}
	}
}

// TestPageData: the page is filled from Render's views: each policy under its server with
// its own runs and its manifest's zone, restores and checks under their server.
func TestPageData(t *testing.T) {
	srv := &manifests.Server{Metadata: manifests.ObjectMeta{Name: "s1"}}
	srv.Spec.Product = "EnterpriseServer"
	pol := &manifests.BackupPolicy{Metadata: manifests.ObjectMeta{Name: "p"}}
	pol.Spec.Server, pol.Spec.TimeZone, pol.Spec.MaxAge, pol.Spec.Destination = "s1", "Europe/Zurich", "26h", "/nowhere"
	rs := &manifests.Restore{Metadata: manifests.ObjectMeta{Name: "r"}}
	rs.Spec.Server, rs.Spec.Source.Policy, rs.Spec.Source.Backup = "s1", "p", "latest"
	desired := &manifests.Set{Servers: []*manifests.Server{srv}, Policies: []*manifests.BackupPolicy{pol}, Restores: []*manifests.Restore{rs}}
	t0 := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	st := state.Status{
		Source:   state.Source{LastApplied: "abc", LastAttempted: "def", Errors: []string{"x.yaml: BackupPolicy/q: spec.maxAge: required"}},
		Policies: map[string]*state.Policy{"p": {LastSuccess: t0, LastResult: "success"}},
		Checks:   map[string]*state.Check{"s1/tnsnames-alias": {Server: "s1", Check: "tnsnames-alias", OK: true}},
		History: []state.RunSummary{
			{ID: "1", Kind: "backup", Object: "policy/p", Started: t0, Finished: t0.Add(time.Minute), Result: state.RunSucceeded},
			{ID: "2", Kind: "restore", Object: "restore/r", Started: t0, Finished: t0.Add(time.Minute), Result: state.RunFailed},
			{ID: "3", Kind: "backup", Object: "policy/other", Started: t0, Finished: t0.Add(time.Minute), Result: state.RunSucceeded},
		},
	}
	r := reconciler.Reading{Now: t0.Add(time.Hour), Revision: "abc", Invalid: true, Desired: desired, Status: st, Model: view.Build(desired, desired, nil, view.Trust{Now: t0.Add(time.Hour)}), Agent: "agent-a"}
	d := PageData(r)
	if d.Agent != "agent-a" || d.Revision != "abc" || !d.Source.Rejected || d.Source.LastAttempted != "def" || len(d.Source.Errors) != 1 {
		t.Errorf("page header %+v: want agent-a, revision abc in force, def rejected with its error", d)
	}
	if len(d.Servers) != 1 || len(d.Servers[0].Policies) != 1 || len(d.Servers[0].Restores) != 1 || len(d.Servers[0].Checks) != 1 {
		t.Fatalf("servers %+v: want s1 with p, r and one check", d.Servers)
	}
	p := d.Servers[0].Policies[0]
	if p.Zone == nil || p.Zone.String() != "Europe/Zurich" || len(p.Runs) != 1 || p.Runs[0].ID != "1" || !p.LastSuccess.Equal(t0) || p.Stale {
		t.Errorf("policy %+v: want Europe/Zurich, its one run and the last success from the status", p)
	}
	if rr := d.Servers[0].Restores[0]; len(rr.Runs) != 1 || rr.Runs[0].ID != "2" {
		t.Errorf("restore runs %+v: want run 2", rr.Runs)
	}
}
