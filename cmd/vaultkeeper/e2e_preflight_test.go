package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// Issue 16, points 1 and 2 on altium-sim: mistakes that can be found in seconds are found
// before IIS is stopped, and a replica that cannot be written holds back nothing.

// condition returns the condition typ of v ("" when absent).
func condition(v reconciler.PolicyView, typ string) state.Condition {
	for _, c := range v.Conditions {
		if c.Type == typ {
			return c
		}
	}
	return state.Condition{}
}

// iisUntouched fails the test when altium-sim's event log shows IIS stopped, or a tool of
// the backup run, on host.
func (w *world) iisUntouched(host string) {
	w.t.Helper()
	for _, e := range w.events(host) {
		switch {
		case e.Tool == "net" && len(e.Argv) > 0 && e.Argv[0] == "stop":
			w.t.Errorf("IIS was stopped: net %v", e.Argv)
		case e.Tool == "avbackup" || e.Tool == "exp" || e.Tool == "expdp":
			w.t.Errorf("%s ran although the preflight failed: %v", e.Tool, e.Argv)
		}
	}
}

// failedPreflight waits for policy's first run to fail at its preflight and returns the
// policy as served.
func (w *world) failedPreflight(policy string) reconciler.PolicyView {
	w.t.Helper()
	var v reconciler.PolicyView
	w.waitFor(policy+" failed at its preflight", 60*time.Second, func() bool {
		v = w.policy(policy)
		return v.LastResult == "failure" && strings.Contains(v.LastError, "preflight")
	})
	return v
}

func TestE2EPreflight(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		setup   func(w *world)
		stalled bool
		says    []string
	}{
		{name: "typo in the avbackup path", stalled: true, says: []string{"spec.avbackup", "avbakup"},
			setup: func(w *world) { w.editManifests("/bin/avbackup'", "/bin/avbakup'") }},
		{name: "wrong schema password", stalled: true, says: []string{"ORA-01017", "spec.oracle.schemaPassword"},
			setup: func(w *world) {
				os.WriteFile(filepath.Join(w.hosts["aes-prod"], "secrets", "schema-password"), []byte("wrong-password\n"), 0o600)
			}},
		{name: "destination root missing", stalled: true, says: []string{"spec.destination", "does not exist"},
			setup: func(w *world) { os.RemoveAll(filepath.Join(w.dir, "backups")) }},
		{name: "full disk", says: []string{"bytes free"},
			setup: func(w *world) {
				w.editManifests("  maxAge: 26h\n", "  maxAge: 26h\n  minFreeBytes: 1000000000000000000\n")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, []string{"aes-prod"}, false)
			c.setup(w)
			w.start()
			defer w.stop()
			v := w.failedPreflight("aes-prod-nightly")
			for _, s := range c.says {
				if !strings.Contains(v.LastError, s) {
					t.Errorf("last error does not say %q: %s", s, v.LastError)
				}
			}
			st := condition(v, state.Stalled)
			if c.stalled != (st.Status == "True") {
				t.Errorf("Stalled condition %+v, want stalled %v", st, c.stalled)
			}
			if c.stalled && !v.Next.IsZero() {
				t.Errorf("a stalled policy shows a next run at %s", v.Next)
			}
			// A transient failure waits for its backoff; a stalled one is blocked for a person.
			plan := w.agent.Plan()
			waiting, _ := harness.Find(plan.Waiting, "policy/aes-prod-nightly")
			blocked, isBlocked := harness.Find(plan.Blocked, "policy/aes-prod-nightly")
			if c.stalled && !isBlocked {
				t.Errorf("stalled but not blocked in the plan: %+v", plan)
			}
			if !c.stalled && (waiting.Reason != "retry after failure" || !waiting.At.After(v.LastAttempt)) {
				t.Errorf("a transient failure is not retried after backoff: waiting %+v (blocked %+v)", waiting, blocked)
			}
			w.iisUntouched("aes-prod")
			if _, err := os.Stat(filepath.Join(w.dir, "backups")); c.name == "destination root missing" && !os.IsNotExist(err) {
				t.Errorf("the missing destination root was created (%v)", err)
			}
			t.Logf("%s: %s", c.name, v.LastError)
		})
	}
}

// TestE2EWrongPasswordLogsOnOnce: a wrong schema password is tried once, not at every retry
// (the DEFAULT profile locks the account after FAILED_LOGIN_ATTEMPTS, 10): the policy stalls,
// the account stays open, and only a changed secret file tries again.
func TestE2EWrongPasswordLogsOnOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod"}, false)
	secret := filepath.Join(w.hosts["aes-prod"], "secrets", "schema-password")
	good, err := os.ReadFile(secret)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(secret, []byte("wrong-password\n"), 0o600)
	w.start()
	defer w.stop()
	v := w.failedPreflight("aes-prod-nightly")
	if condition(v, state.Stalled).Status != "True" {
		t.Fatalf("not stalled: %+v", v.Conditions)
	}
	// The loop keeps planning (a requested integrity check runs and finishes) without
	// trying the backup again.
	w.agent.Request("server/aes-prod")
	w.waitFor("the integrity checks run again", 60*time.Second, func() bool {
		var cs []state.Check
		w.get("checks", &cs)
		return len(cs) > 0 && cs[0].Time.After(v.LastAttempt)
	})
	if again := w.policy("aes-prod-nightly"); !again.LastAttempt.Equal(v.LastAttempt) {
		t.Errorf("the stalled backup was tried again at %s", again.LastAttempt)
	}
	if n, locked := failedLogins(t, w.hosts["aes-prod"], "AESUSER313"); n != 1 || locked {
		t.Errorf("the database saw %d failed logon(s) of AESUSER313 (locked: %v), want exactly 1", n, locked)
	}
	// Fixing the secret file lets it run.
	os.WriteFile(secret, good, 0o600)
	w.waitFor("a backup after the secret was fixed", 90*time.Second, func() bool {
		return w.policy("aes-prod-nightly").LastResult == "success"
	})
	w.iisTouchedOnce("aes-prod")
}

// iisTouchedOnce: IIS was stopped once (the successful run) and started after it.
func (w *world) iisTouchedOnce(host string) {
	w.t.Helper()
	stops := 0
	for _, e := range w.events(host) {
		if e.Tool == "net" && e.Phase == "start" && len(e.Argv) > 0 && e.Argv[0] == "stop" {
			stops++
		}
	}
	if stops != 1 {
		w.t.Errorf("IIS stopped %d times, want once (the run after the fix)", stops)
	}
}

// TestE2EReadOnlyReplica: a replica that cannot be written gets a bounded number of
// attempts (its own backoff), the primary set is published, the other policy runs, and the
// failure shows in get policies, the metric and the log.
func TestE2EReadOnlyReplica(t *testing.T) {
	t.Parallel()
	w := newWorld(t, []string{"aes-prod", "aes-staging"}, false)
	nas := filepath.Join(w.dir, "nas")
	readOnly(t, nas)
	w.start()
	defer w.stop()
	w.waitFor("both policies backed up", 90*time.Second, func() bool {
		return w.policy("aes-prod-nightly").LastResult == "success" && w.policy("aes-staging-nightly").LastResult == "success"
	})
	var rep reconciler.PolicyView
	w.waitFor("the replica shown failing", 30*time.Second, func() bool {
		rep = w.policy("aes-prod-nightly")
		return len(rep.Replicas) == 1 && rep.Replicas[0].State == "failing"
	})
	r := rep.Replicas[0]
	if r.Destination != filepath.ToSlash(nas) || r.LastError == "" || r.RetryAt.IsZero() {
		t.Errorf("replica view %+v", r)
	}
	out, code := w.cli("get", "policies", "--addr", w.addr, "--state-dir", w.stateDir)
	if code != 0 || !strings.Contains(out, "replica "+filepath.ToSlash(nas)+" of policy aes-prod-nightly: failing") {
		t.Errorf("get policies (exit %d) does not show the failing replica:\n%s", code, out)
	}
	published := false
	for _, b := range w.backups() {
		published = published || (b.Policy == "aes-prod-nightly" && b.Verified && !b.Replica)
	}
	if !published {
		t.Error("the primary set was not published")
	}
	m := w.metrics()
	if !strings.Contains(m, `vaultkeeper_replica_failing{destination="`+filepath.ToSlash(nas)+`",policy="aes-prod-nightly",server="aes-prod"} 1`) {
		t.Errorf("no failing replica metric:\n%s", grep(m, "replica"))
	}
	// `vaultkeeper reconcile policy/NAME` runs a backup while the replica fails (it used
	// to answer "requested" and run nothing).
	before := w.policy("aes-prod-nightly").LastSuccess
	w.agent.Request("policy/aes-prod-nightly")
	w.waitFor("the requested backup", 60*time.Second, func() bool {
		p := w.policy("aes-prod-nightly")
		return p.LastSuccess.After(before) && p.LastResult == "success"
	})
	// No storm: the replica was tried by the two backups and at most once or twice
	// since (its backoff starts at 30 s), not hundreds of times.
	log, _ := os.ReadFile(w.logFile)
	if n := strings.Count(string(log), "replica failed"); n < 1 || n > 4 {
		t.Errorf("%d replica attempts logged, want 1 to 4 (two backups, then its backoff)", n)
	}
	if n := strings.Count(string(log), "\n"); n > 400 {
		t.Errorf("%d log lines: the agent is storming", n)
	}
}

// readOnly makes dir a folder the agent cannot write a replica into: immutable (chattr +i)
// for root, mode 0500 for anyone else on Unix. On Windows (a read-only attribute does not
// stop creating files in a folder), or where chattr fails, a file stands where the
// replica's server folder must go, which makes it just as unwritable.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	inTheWay := func() {
		if err := os.WriteFile(filepath.Join(dir, "aes-prod"), []byte("not a folder\n"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case runtime.GOOS == "windows":
		inTheWay()
	case os.Geteuid() != 0:
		os.Chmod(dir, 0o500)
		t.Cleanup(func() { os.Chmod(dir, 0o750) })
	default:
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Logf("chattr +i %s: %v %s; putting a file in the way instead", dir, err, out)
			inTheWay()
			return
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
	}
}

// failedLogins reads how many logons of user the simulated database refused for a wrong password (its audit trail), and whether the account is locked.
func failedLogins(t *testing.T, root, user string) (int, bool) {
	t.Helper()
	db, err := simdb.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := db.User(user)
	if u == nil {
		t.Fatalf("no user %s in the simulated database", user)
	}
	// The audit trail's count, not FailedLogins: the integrity checks log on with the right
	// password (LocalVault.ini's), and a successful logon resets FailedLogins.
	return u.AuditedLogonFailures, u.Locked
}
