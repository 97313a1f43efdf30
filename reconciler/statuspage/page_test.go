package statuspage

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

var now = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// backupRuns makes n nightly backup runs ending the night before now; every fifth fails at
// exp with the tool's line.
func backupRuns(n int) []view.RunView {
	var out []view.RunView
	for i := 0; i < n; i++ {
		start := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC).AddDate(0, 0, i-n+1)
		dur := time.Duration(60+i*3) * time.Second
		r := view.RunView{ID: fmt.Sprint(i), Kind: "backup", Object: "policy/aes-prod-nightly", Server: "aes-prod", Started: start, Finished: start.Add(dur),
			DurationSeconds: dur.Seconds(), Result: state.RunSucceeded, Set: start.Format("20060102T150405Z"), SizeBytes: int64(100+i) << 20,
			Steps: []view.StepView{{Name: "stop-iis", State: state.StepDone, DurationSeconds: 2},
				{Name: "avbackup", State: state.StepDone, DurationSeconds: dur.Seconds() - 2}}}
		if i%5 == 4 {
			r.Result, r.Set, r.SizeBytes, r.FailedStep, r.Error = state.RunFailed, "", 0, "exp", "exp: EXP-00056: ORACLE error 1017 encountered; ORA-01017: invalid username/password"
			r.Steps[1].State, r.Steps[1].Error = state.StepFailed, r.Error
		}
		out = append(out, r)
	}
	return out
}

func fixture() Data {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	return Data{Now: now, Agent: "agent-a", Version: "1.2.3", Revision: "0123abcd",
		Source: view.SourceView{Source: state.Source{Ready: true, LastApplied: "0123abcd", LastAttempted: "0123abcd"}, Revision: "0123abcd"},
		Servers: []Server{{
			ServerView: view.ServerView{Name: "aes-prod", Product: "AltiumEnterpriseServer", ChecksOK: 5, ChecksFailed: 1},
			Policies: []Policy{{
				PolicyView: view.PolicyView{Name: "aes-prod-nightly", Server: "aes-prod", Schedule: "0 2 * * *", MaxAge: "26h", SetsVerified: 14,
					LastSuccess: time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC), LastAttempt: time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC), LastResult: "success",
					Next: time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)},
				Zone: zurich, Runs: backupRuns(35)}},
			Restores: []Restore{{RestoreView: view.RestoreView{Name: "staging-refresh", Server: "aes-prod", Source: "aes-prod-nightly/latest", LastResult: "failure",
				LastError: "imp: IMP-00003: ORACLE error 1950 encountered"}}},
			Checks: []state.Check{{Server: "aes-prod", Check: "tnsnames-alias", OK: true, Message: "AES resolves to 127.0.0.1:1521", Time: now.Add(-time.Minute)},
				{Server: "aes-prod", Check: "iis-binding", OK: false, Message: "no binding for aes.corp.example.com", Time: now.Add(-time.Minute)}},
		}, {
			ServerView: view.ServerView{Name: "aes-staging", Product: "NexusServer"},
			Policies: []Policy{{PolicyView: view.PolicyView{Name: "aes-staging-nightly", Server: "aes-staging", Schedule: "0 3 * * *", MaxAge: "26h", Stale: true,
				LastResult: "failure", LastError: "avbackup: exit status 1"}}},
		}},
	}
}

// TestPageGolden renders the fixture: two servers, a policy with 35 runs (30 shown in the
// chart and the history), a stale one that never succeeded, a failed restore and checks.
func TestPageGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture()); err != nil {
		t.Fatal(err)
	}
	testtool.Golden(t, filepath.Join("testdata", "page.golden.html"), b.Bytes())
	html := b.String()
	for _, want := range []string{
		"agent agent-a", "1 ok", "0 failing", "1 stale",
		`id="policy-aes-prod-nightly"`, "2026-11-21 02:00:00 &#43;01:00", // the last success in the policy's zone (Europe/Zurich)
		"8h30m old (max 26h)", "2026-11-22 02:00:00 &#43;01:00", // age vs maxAge, the next run
		"EXP-00056", "ORA-01017", "tnsnames-alias", "no binding for aes.corp.example.com",
		"Restore staging-refresh", "IMP-00003", "none planned",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(html, `<tr class="run `); n != 30 {
		t.Errorf("%d history rows, want 30 (the newest of 35)", n)
	}
	if n := strings.Count(html, `<circle class="duration`); n != ChartRuns {
		t.Errorf("%d duration points in the chart, want %d", n, ChartRuns)
	}
	if n := strings.Count(html, `<rect class="size failed"`); n != 6 {
		t.Errorf("%d failed markers in the chart, want 6 (every fifth of the last 30)", n)
	}
}

// TestPageEscapes: a name or an error text with markup is shown as text, never run.
func TestPageEscapes(t *testing.T) {
	const evil = `<script>document.title="pwned"</script><img src=x onerror=alert(1)>`
	d := fixture()
	d.Agent = evil
	d.Source = view.SourceView{Source: state.Source{LastAttempted: evil, Errors: []string{"altium.yaml: BackupPolicy/x: spec.schedule: " + evil}, Reason: evil}, Rejected: true, Revision: "0123abcd"}
	p := &d.Servers[0].Policies[0]
	p.Name, p.LastError, p.Schedule, p.MaxAge = evil, evil, evil, evil
	p.Runs[len(p.Runs)-1].Error, p.Runs[len(p.Runs)-1].Steps[0].Name = evil, evil
	d.Servers[0].Checks[0].Message = evil
	d.Servers[0].Restores[0].Name = evil
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.Contains(html, "<script") || strings.Contains(html, "<img") {
		t.Fatalf("markup from the data reached the page:\n%s", html)
	}
	if n := strings.Count(html, "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;"); n < 9 {
		t.Errorf("the evil text is shown escaped %d times, want every place it was put (9 or more)", n)
	}
}

func TestChart(t *testing.T) {
	for _, c := range []struct {
		runs, points, failed int
	}{{0, 0, 0}, {1, 1, 0}, {5, 5, 1}, {35, ChartRuns, 6}} {
		ch := newChart(backupRuns(c.runs), time.UTC)
		if ch.Runs != c.points || len(ch.Dots) != c.points || ch.Failed != c.failed {
			t.Errorf("%d runs: %d shown, %d dots, %d failed; want %d, %d failed", c.runs, ch.Runs, len(ch.Dots), ch.Failed, c.points, c.failed)
		}
		for _, b := range ch.Bars {
			if b.Y < float64(padTop) || b.Y+b.H > ch.Base+0.05 || b.X < padLeft || b.X+b.W > float64(ch.Right)+0.05 {
				t.Errorf("%d runs: bar %+v outside the plot area", c.runs, b)
			}
		}
		for _, d := range ch.Dots {
			if d.Y < float64(padTop)-0.05 || d.Y > ch.Base+0.05 {
				t.Errorf("%d runs: duration point %+v outside the plot area", c.runs, d)
			}
		}
	}
	// Runs of other kinds (verify, retention) are not charted.
	if ch := newChart([]view.RunView{{Kind: "verify", Result: state.RunSucceeded, DurationSeconds: 3}}, time.UTC); ch.Runs != 0 {
		t.Errorf("a verify run was charted: %+v", ch)
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{span(45 * time.Second), "45s"}, {span(185 * time.Second), "3m05s"}, {span(2*time.Hour + 5*time.Minute), "2h05m"},
		{span(76 * time.Hour), "3d04h"}, {seconds(4.24), "4.2s"}, {seconds(0.032), "32ms"}, {seconds(90), "1m30s"},
		{byteSize(512), "512 B"}, {byteSize(1536), "1.5 KiB"}, {byteSize(12 << 20), "12.0 MiB"}, {byteSize(3 << 40), "3.0 TiB"},
		{age(now, time.Time{}), "never"}, {age(now, now.Add(-time.Minute)), "1m00s ago"}, {when(time.Time{}, nil), "never"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestHandlerHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(fixture).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q: want no script and no outside resource", csp)
	}
	// No external asset: nothing is fetched from anywhere (no src, no href, no url()).
	if m := regexp.MustCompile(`(?i)\b(src|href)\s*=|url\(|@import`).FindString(rec.Body.String()); m != "" {
		t.Errorf("the page refers to an outside resource (%q)", m)
	}
}

// TestSummaryCounts: the header counts each policy once by its health; a run in flight
// does not hide a failure.
func TestSummaryCounts(t *testing.T) {
	pols := []Policy{
		{PolicyView: view.PolicyView{Name: "a", LastResult: "success"}},
		{PolicyView: view.PolicyView{Name: "b", LastResult: "failure", Running: true}},
		{PolicyView: view.PolicyView{Name: "c", Stale: true, LastResult: "failure"}},
		{PolicyView: view.PolicyView{Name: "d", Suspended: true, Stale: true}},
	}
	var b bytes.Buffer
	if err := Write(&b, Data{Now: now, Servers: []Server{{ServerView: view.ServerView{Name: "s"}, Policies: pols}}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4 backup policies", ">1 ok<", ">1 failing<", ">1 stale<", ">1 suspended<", `<span class="badge running">running</span> BackupPolicy b`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
