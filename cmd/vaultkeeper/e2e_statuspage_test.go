package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// evilSchedule is a schedule whose validation error echoes markup: the status page must show
// it as text (the script would mark the body if it ran).
const evilSchedule = `<script>document.body.setAttribute('data-pwned','1')</script>`

// TestE2EStatusPage: the real agent on an altium-sim host makes a backup, then fails one
// (avbackup exits 1), then fetches a revision that is rejected (its error echoes markup);
// `get runs` and `get source` show them, and the status page at / loaded in headless
// Chromium shows the server, the policy with its ages, verified sets, next run and last
// error, the history rows, the SVG chart and the rejected revision's errors as text.
func TestE2EStatusPage(t *testing.T) {
	t.Parallel()
	chromium := testtool.Require(t, "chromium")
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	const policy = "aes-prod-nightly"
	runs := func() []view.RunView {
		var rs []view.RunView
		w.get("runs", &rs)
		return rs
	}
	has := func(result string) bool {
		for _, r := range runs() {
			if r.Object == "policy/"+policy && r.Kind == "backup" && r.Result == result {
				return true
			}
		}
		return false
	}
	w.waitFor("a successful backup in the run history", 90*time.Second, func() bool { return has(state.RunSucceeded) })
	w.fault("aes-prod", "avbackup:\n  exit: 1\n")
	w.agent.Request("policy/" + policy)
	w.waitFor("a failed backup in the run history", 90*time.Second, func() bool { return has(state.RunFailed) })

	// A revision with an invalid policy is rejected; the last good one stays in force.
	repoFile := filepath.Join(w.dir, "repo", "altium.yaml")
	good, err := os.ReadFile(repoFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := fmt.Sprintf("%s\n---\napiVersion: vaultkeeper.io/v1alpha1\nkind: BackupPolicy\nmetadata: {name: broken}\nspec:\n  server: aes-prod\n  schedule: %q\n  timeZone: Europe/Zurich\n  destination: '%s'\n  retention: {keepLast: 3}\n  maxAge: 26h\n",
		strings.TrimRight(string(good), "\n"), evilSchedule, filepath.ToSlash(filepath.Join(w.dir, "backups")))
	if err := os.WriteFile(repoFile, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var src view.SourceView
	w.waitFor("the invalid revision rejected", 30*time.Second, func() bool { w.get("source", &src); return src.Rejected })
	if src.Revision == "" || src.Revision != src.LastApplied || src.LastAttempted == src.Revision || len(src.Errors) == 0 {
		t.Fatalf("source %+v: want the last good revision in force, the newest one rejected with its errors", src)
	}

	// get runs: the history with step timings, as a table and as JSON.
	api := []string{"--addr", w.addr, "--state-dir", w.stateDir}
	out, code := w.cli(append([]string{"get", "runs"}, api...)...)
	if code != 0 || !strings.Contains(out, "STARTED") || !regexp.MustCompile(`policy/`+policy+`\s+backup\s+succeeded`).MatchString(out) ||
		!regexp.MustCompile(`policy/`+policy+`\s+backup\s+failed\s+\S+\s+.*avbackup`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^\s+avbackup\s+failed\s+\d`).MatchString(out) || !regexp.MustCompile(`(?m)^\s+export\s+done\s+\d`).MatchString(out) {
		t.Errorf("get runs (exit %d): want the succeeded and the failed backup, each with its steps and their durations:\n%s", code, out)
	}
	out, code = w.cli(append([]string{"get", "runs", "-o", "json"}, api...)...)
	var jruns []view.RunView
	if err := json.Unmarshal([]byte(out), &jruns); code != 0 || err != nil {
		t.Fatalf("get runs -o json (exit %d, %v):\n%s", code, err, out)
	}
	var sawFailed, sawSteps bool
	for _, r := range jruns {
		if r.Kind == "backup" && r.Result == state.RunFailed && r.FailedStep == "avbackup" && r.Error != "" {
			sawFailed = true
		}
		if r.Kind == "backup" && r.Result == state.RunSucceeded && r.SizeBytes > 0 && r.DurationSeconds > 0 && len(r.Steps) > 3 && r.Steps[0].State == state.StepDone {
			sawSteps = true
		}
	}
	if !sawFailed || !sawSteps {
		t.Errorf("get runs -o json: want the failed backup (failedStep avbackup, its error) and a succeeded one with its size, duration and finished steps:\n%s", out)
	}
	// get source: the revision in force, the one fetched and its errors, one per line.
	out, code = w.cli(append([]string{"get", "source"}, api...)...)
	if code != 0 || !regexp.MustCompile(`REVISION IN FORCE\s+`+regexp.QuoteMeta(src.Revision)).MatchString(out) ||
		!regexp.MustCompile(`LAST FETCHED\s+`+regexp.QuoteMeta(src.LastAttempted)+` \(rejected\)`).MatchString(out) {
		t.Errorf("get source (exit %d): want the revision in force and the rejected one:\n%s", code, out)
	}
	for _, e := range src.Errors {
		if !strings.Contains(out, "\n"+e+"\n") {
			t.Errorf("get source does not print the error line %q on a line of its own:\n%s", e, out)
		}
	}

	// The status page in a real browser.
	dir := t.TempDir()
	png := filepath.Join(dir, "statuspage.png")
	dom := loadInChromium(t, chromium, w.agent.URL("/"), png)
	for _, want := range []string{
		"agent demo", "Server aes-prod", "BackupPolicy " + policy, "in Europe/Zurich",
		" old (max 26h)", "the newest revision was rejected", "must have 5 cron fields",
		`<svg class="chart"`, `<rect class="size"`, `<circle class="duration failed"`, `<polyline class="duration"`,
		"Checks", "tnsnames-alias",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page in Chromium lacks %q", want)
		}
	}
	if regexp.MustCompile(`<body[^>]*data-pwned`).MatchString(dom) || !strings.Contains(dom, "&lt;script&gt;document.body") {
		t.Errorf("the rejected revision's error text was not shown as text (or its script ran)")
	}
	if m := regexp.MustCompile(`class="verified-sets">(\d+)<`).FindStringSubmatch(dom); m == nil || m[1] == "0" {
		t.Errorf("verified sets %v: want at least 1", m)
	}
	if m := regexp.MustCompile(`class="last-error"><span class="error">([^<]*avbackup[^<]*)<`).FindStringSubmatch(dom); m == nil {
		t.Error("the page does not show the last error (avbackup's)")
	}
	// The next run is the retry after the failure; while that retry runs (the page may be
	// loaded 30 s after the failure on a loaded machine) there is none to show.
	if m := regexp.MustCompile(`class="next">(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d)<`).FindStringSubmatch(dom); m == nil && !strings.Contains(dom, `<span class="badge running">`) {
		t.Error("the page does not show the next run (the retry after the failure) in the policy's zone")
	}
	if n, f := strings.Count(dom, `<tr class="run result-succeeded"`), strings.Count(dom, `<tr class="run result-failed"`); n < 1 || f < 1 {
		t.Errorf("history rows: %d succeeded, %d failed; want both", n, f)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v (want a PNG of the page)", png, err)
	}
	if testtool.Updating() { // the README's picture: go test ./cmd/vaultkeeper -run TestE2EStatusPage -update
		b, _ := os.ReadFile(png)
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "statuspage.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// loadInChromium loads url in headless Chromium with a fresh profile, saves a screenshot at
// png and returns the DOM after the page loaded. Chromium runs without its sandbox as root
// (it refuses to start otherwise), offline (no background networking) and is killed after
// two minutes (a few seconds on a quiet machine; far more when the machine is loaded).
func loadInChromium(t *testing.T, chromium, url, png string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--disable-dev-shm-usage",
		"--disable-extensions", "--disable-background-networking",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,1500", "--screenshot=" + png, "--dump-dom"}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	cmd := exec.CommandContext(ctx, chromium, append(args, url)...)
	cmd.WaitDelay = 10 * time.Second // a helper process left holding the output pipe does not hold the test
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || ctx.Err() != nil {
		t.Fatalf("chromium %s: %v (%v)\n%s", url, err, ctx.Err(), tailLines(stderr.String(), 20))
	}
	if !strings.Contains(string(out), "</html>") {
		t.Fatalf("chromium %s: no DOM dumped (%d bytes)\n%s", url, len(out), tailLines(stderr.String(), 20))
	}
	return string(out)
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n") + "\n(" + strconv.Itoa(len(lines)) + " lines)"
}
