package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// End-to-end tests of issue 16's points 3, 4 and 6 (quiet, useful logs; honest status;
// retention plan against a real policy) on altium-sim.

// agentLines are the lines of the agent's log.
func (w *world) agentLines() []string {
	w.t.Helper()
	b, err := os.ReadFile(w.logFile)
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// TestE2EBackupLogIsQuiet: a backup of a tiny host logs one line per step start and end
// (with operation= and step=) and one summary; the tools' output (net, avbackup, exp) is in
// the run's log file only. Then `retention plan --policy --repo` plans over the set made,
// by set id and in the policy's zone, and takes set ids on stdin.
func TestE2EBackupLogIsQuiet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	set := w.verifiedSet()
	w.stop()
	lines := w.agentLines()
	var run []string // the backup's lines
	for _, l := range lines {
		if strings.Contains(l, "policy=aes-prod-nightly") {
			run = append(run, l)
		}
		for _, bad := range []string{`msg=""`, "tool=", "stream=", "Export terminated", "Backup completed", "service was stopped"} {
			if strings.Contains(l, bad) {
				t.Errorf("tool output in the agent log (%q): %s", bad, l)
			}
		}
	}
	steps := 0
	for _, l := range run {
		if strings.Contains(l, `msg="step started"`) {
			steps++
			if !strings.Contains(l, "operation=backup") || !strings.Contains(l, "step=") {
				t.Errorf("step line without operation= and step=: %s", l)
			}
		}
	}
	// One start and one end per step, one summary: nothing else about the run.
	if steps < 8 || len(run) != 2*steps+1 {
		t.Errorf("the backup logged %d lines for %d steps, want %d:\n%s", len(run), steps, 2*steps+1, strings.Join(run, "\n"))
	}
	if last := run[len(run)-1]; !strings.Contains(last, `msg="backup succeeded"`) || !strings.Contains(last, "set="+set.ID) {
		t.Errorf("the summary line is %s", last)
	}
	t.Logf("agent log: %d lines in all, %d about the backup (%d steps)", len(lines), len(run), steps)

	logs, _ := filepath.Glob(filepath.Join(w.stateDir, "logs", "*-backup-policy-aes-prod-nightly.log"))
	if len(logs) != 1 {
		t.Fatalf("run logs %v, want one", logs)
	}
	b, _ := os.ReadFile(logs[0])
	for _, want := range []string{"vaultkeeper: step stop-iis started", "service was stopped successfully", "Backup completed",
		"Export terminated successfully without warnings", "vaultkeeper: step replicate done in"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("run log %s lacks %q:\n%s", logs[0], want, b)
		}
	}

	// retention plan against the real policy and its destination.
	vk := harness.Binary(t, harness.Vaultkeeper)
	out, err := exec.Command(vk, "retention", "plan", "--policy", "aes-prod-nightly", "--repo", filepath.Join(w.dir, "repo"), "-o", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("retention plan --policy: %v\n%s", err, out)
	}
	var plan retentionPlanJSON
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	zurich, _ := time.LoadLocation("Europe/Zurich")
	if len(plan.Keep) != 1 || plan.Keep[0].Set != set.ID || plan.Keep[0].Time != set.Time.In(zurich).Format(time.RFC3339) || len(plan.Remove) != 0 {
		t.Errorf("retention plan --policy = %s, want set %s kept at %s", out, set.ID, set.Time.In(zurich).Format(time.RFC3339))
	}
	cmd := exec.Command(vk, "retention", "plan", "--keep-last", "1")
	cmd.Stdin = strings.NewReader(set.ID + "\n20200101T000000Z\n")
	out, err = cmd.CombinedOutput()
	if err != nil || !regexp.MustCompile(set.ID+`\s+keep\s+last`).Match(out) || !regexp.MustCompile(`20200101T000000Z\s+remove`).Match(out) {
		t.Errorf("retention plan with set ids: %v\n%s", err, out)
	}
	cmd = exec.Command(vk, "retention", "plan", "--keep-daily", "-1")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "--keep-daily: must be >= 0, got -1") {
		t.Errorf("retention plan --keep-daily -1: %v\n%s", err, out)
	}
}

// TestE2EFailureNamesRunLogAndORACode: a backup whose schema logon is refused (the
// manifest's schema password is wrong; the preflight finds it before IIS is stopped) fails with a message that carries ORA-01017 and
// names the run log, which exists and holds the tool's lines, not the removed .partial log.
func TestE2EFailureNamesRunLogAndORACode(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	if err := os.WriteFile(filepath.Join(w.hosts["aes-prod"], "secrets", "schema-password"), []byte("not-the-password"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.start()
	var p reconciler.PolicyView
	w.waitFor("a failed run", 60*time.Second, func() bool {
		p = w.policy("aes-prod-nightly")
		return p.LastResult == "failure"
	})
	if !strings.Contains(p.LastError, "ORA-01017") {
		t.Errorf("last error lacks the ORA- line: %s", p.LastError)
	}
	if strings.Contains(p.LastError, ".partial") {
		t.Errorf("last error names a path inside the removed .partial folder: %s", p.LastError)
	}
	m := regexp.MustCompile(`run log (.+\.log)\)`).FindStringSubmatch(p.LastError)
	if m == nil {
		t.Fatalf("last error names no run log: %s", p.LastError)
	}
	b, err := os.ReadFile(m[1])
	if err != nil || !strings.Contains(string(b), "ORA-01017") {
		t.Errorf("run log %s: %v, want the tool's ORA-01017 line in it:\n%s", m[1], err, b)
	}
	var summary string
	w.waitFor("the failure's summary line", 10*time.Second, func() bool {
		for _, l := range w.agentLines() {
			if strings.Contains(l, `msg="backup failed"`) {
				summary = l
				return true
			}
		}
		return false
	})
	// (slog quotes the path, escaping a Windows path's backslashes: look for its file name)
	// A wrong password is found by the preflight and stalls the policy (a retry would count
	// toward FAILED_LOGIN_ATTEMPTS): the summary says so instead of a retry time.
	if !strings.Contains(summary, "ORA-01017") || !strings.Contains(summary, "run log ") || !strings.Contains(summary, filepath.Base(m[1])) || !strings.Contains(summary, "stalled=LoginDenied") {
		t.Errorf("summary line %s: want the ORA- line, the run log and the stall (LoginDenied, no retry)", summary)
	}
}

// TestE2EWaitingForTheWindowIsNotAFailure: a run asked for outside the policy's window
// stops nothing, is logged at INFO and recorded as waiting: no field of its history record
// reads failed, and NEXT is the window's opening in the policy's zone.
func TestE2EWaitingForTheWindowIsNotAFailure(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	zurich, _ := time.LoadLocation("Europe/Zurich")
	opens := time.Now().In(zurich).Add(6 * time.Hour)
	w.editManifests("  timeZone: Europe/Zurich\n", fmt.Sprintf("  timeZone: Europe/Zurich\n  window: {start: \"%02d:00\", duration: 1h}\n", opens.Hour()))
	w.start()
	w.request("policy/aes-prod-nightly")
	var hist []state.RunSummary
	w.waitFor("the run recorded", 30*time.Second, func() bool {
		hist = nil
		for _, h := range readState(t, w.stateDir).History {
			if h.Object == "policy/aes-prod-nightly" {
				hist = append(hist, h)
			}
		}
		return len(hist) > 0
	})
	h := hist[0]
	if h.Result != state.RunWaiting || h.FailedStep != "" || h.Error != "" || !strings.Contains(h.Note, "window") {
		t.Errorf("history record %+v: want result waiting with a note, nothing failed", h)
	}
	b, _ := json.Marshal(h)
	if strings.Contains(string(b), "fail") {
		t.Errorf("a field of the waiting run's record reads failed: %s", b)
	}
	p := w.policy("aes-prod-nightly")
	if p.LastResult == "failure" {
		t.Errorf("policy after waiting: %+v", p)
	}
	if _, off := p.Next.Zone(); p.Next.Hour() != opens.Hour() || off != func() int { _, o := opens.Zone(); return o }() {
		t.Errorf("NEXT %s, want the window's opening at %02d:00 in Europe/Zurich's offset", p.Next.Format(time.RFC3339), opens.Hour())
	}
	for _, e := range w.events("aes-prod") {
		if e.Tool == "net" && len(e.Argv) > 0 && e.Argv[0] == "stop" {
			t.Errorf("IIS was stopped outside the window: %+v", e)
		}
	}
	waited := false
	for _, l := range w.agentLines() {
		if strings.Contains(l, "level=ERROR") && strings.Contains(l, "aes-prod-nightly") {
			t.Errorf("waiting logged as an error: %s", l)
		}
		waited = waited || (strings.Contains(l, "level=INFO") && strings.Contains(l, `msg="step waiting"`))
	}
	if !waited {
		t.Error(`no INFO "step waiting" line`)
	}
}

// TestE2ECrashedManualRunIsRetried: the agent dies during a backup asked for by `vaultkeeper
// reconcile` (the policy is not due: it just succeeded); the restarted agent marks it failed,
// NEXT shows the retry after backoff, and the retry really runs and succeeds.
func TestE2ECrashedManualRunIsRetried(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	w.waitFor("a good set", 60*time.Second, func() bool { return w.policy("aes-prod-nightly").LastResult == "success" })
	first := w.policy("aes-prod-nightly").LastSuccess
	release := filepath.Join(w.dir, "release")
	w.fault("aes-prod", "exp:\n  hangUntil: "+release+"\n  count: 1\n")
	w.request("policy/aes-prod-nightly")
	held := w.heldCall("aes-prod", "exp", 60*time.Second)
	w.kill()
	w.fault("aes-prod", "")
	os.WriteFile(release, nil, 0o644)
	w.waitPidGone(held.Pid, 30*time.Second)
	w.start()
	var p reconciler.PolicyView
	w.waitFor("the dead run marked failed", 30*time.Second, func() bool {
		p = w.policy("aes-prod-nightly")
		return p.LastResult == "failure"
	})
	// NEXT is the retry (backoff 30 s), not tomorrow's 02:00.
	if p.Next.IsZero() || p.Next.Sub(time.Now()) > time.Minute {
		t.Errorf("NEXT after the crashed manual run is %s, want the retry within a minute", p.Next)
	}
	w.waitFor("the retry", 90*time.Second, func() bool {
		p = w.policy("aes-prod-nightly")
		return p.LastResult == "success" && p.LastSuccess.After(first)
	})
}

// TestE2EAgentOwningNoServerAndAudit: an agent whose --agent names no server warns and
// exports vaultkeeper_agent_servers 0; reconcile, suspend and resume requests are logged
// with who asked and from where.
func TestE2EAgentOwningNoServerAndAudit(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.agent = harness.Start(t, harness.Options{Source: filepath.Join(w.dir, "repo"), StateDir: w.stateDir, Name: "dmeo"})
	w.logFile = w.agent.LogFile
	if v := metricValue(w.metrics(), "vaultkeeper_agent_servers"); v != "0" {
		t.Errorf("vaultkeeper_agent_servers = %q, want 0:\n%s", v, grep(w.metrics(), "agent_servers"))
	}
	w.request("source")
	// This agent owns no policy: the suspend is refused (404), and logged all the same.
	req, _ := http.NewRequest(http.MethodPost, w.agent.URL("/api/v1/suspend?object=policy/aes-prod-nightly"), nil)
	req.Header.Set("Authorization", "Bearer "+w.agent.Token())
	if resp, err := w.agent.Client().Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	var warn, audit, suspend string
	w.waitFor("the warning and the audit lines", 10*time.Second, func() bool {
		for _, l := range w.agentLines() {
			switch {
			case strings.Contains(l, "level=WARN") && strings.Contains(l, "owns no server"):
				warn = l
			case strings.Contains(l, `msg="api request"`) && strings.Contains(l, "action=reconcile"):
				audit = l
			case strings.Contains(l, `msg="api request"`) && strings.Contains(l, "action=suspend"):
				suspend = l
			}
		}
		return warn != "" && audit != "" && suspend != ""
	})
	if !strings.Contains(warn, "demo") {
		t.Errorf("the warning does not name the agents the revision uses: %s", warn)
	}
	for _, l := range []string{audit, suspend} {
		if !strings.Contains(l, `by="api-token holder (sha256:`) || !strings.Contains(l, "remote=127.0.0.1:") {
			t.Errorf("audit line without who and where: %s", l)
		}
		if strings.Contains(l, w.agent.Token()) {
			t.Errorf("the token reached the log: %s", l)
		}
	}
	if !strings.Contains(suspend, "status=404") {
		t.Errorf("a refused suspend is logged with its status: %s", suspend)
	}
}

// TestE2EOrphanedSetsAreReported: after the policy's destination changes, and then after
// the policy is deleted, its sets are reported as orphaned (get backups, a warning) and
// stay on disk.
func TestE2EOrphanedSetsAreReported(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	w.start()
	set := w.verifiedSet()
	w.waitFor("the run's end", 30*time.Second, func() bool { return !w.policy("aes-prod-nightly").Running })
	orphan := func(what, why string) reconciler.BackupView {
		var got reconciler.BackupView
		w.waitFor(what, 30*time.Second, func() bool {
			for _, b := range w.backups() {
				if b.Dir == set.Dir && strings.Contains(b.Orphaned, why) {
					got = b
					return true
				}
			}
			return false
		})
		return got
	}
	os.MkdirAll(filepath.Join(w.dir, "backups2"), 0o750)
	w.editManifests("destination: '"+filepath.ToSlash(w.dir)+"/backups'", "destination: '"+filepath.ToSlash(w.dir)+"/backups2'")
	orphan("the old set orphaned by the new destination", "(the destination changed)")
	w.waitFor("an orphan warning", 10*time.Second, func() bool {
		for _, l := range w.agentLines() {
			if strings.Contains(l, "level=WARN") && strings.Contains(l, "orphaned backup sets") && strings.Contains(l, "sets=1") && strings.Contains(l, "destination changed") {
				return true
			}
		}
		return false
	})
	w.waitFor("no run in flight", 60*time.Second, func() bool { return !w.policy("aes-prod-nightly").Running })
	// The policy deleted (its server stays): every set it left is orphaned, none removed.
	w.editManifests("kind: BackupPolicy", "kind: BackupPolicyGone")
	p := filepath.Join(w.dir, "repo", "altium.yaml")
	b, _ := os.ReadFile(p)
	s := string(b)
	i := strings.Index(s, "---\napiVersion: vaultkeeper.io/v1alpha1\nkind: BackupPolicyGone")
	if i < 0 {
		t.Fatalf("no policy document in:\n%s", s)
	}
	os.WriteFile(p, []byte(s[:i]), 0o644)
	orphan("the set orphaned by the deleted policy", "policy aes-prod-nightly is not in the revision in force")
	// No policy uses the folder any more: a restarted agent still finds and reports it.
	w.stop()
	w.start()
	orphan("the orphaned set after a restart", "policy aes-prod-nightly is not in the revision in force")
	if _, err := os.Stat(filepath.Join(set.Dir, "vaultkeeper.json")); err != nil {
		t.Errorf("the orphaned set was touched: %v", err)
	}
}
