package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

func testSet(t *testing.T) *manifests.Set {
	t.Helper()
	set, err := manifests.LoadDir("../../manifests/examples")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func kinds(p Plan) string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Kind+" "+a.Object)
	}
	return strings.Join(out, ",")
}

func TestBackupPlanning(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, zurich) }
	cases := []struct {
		name string
		now  time.Time
		st   PolicyState
		want bool   // a backup of aes-prod-nightly is due
		why  string // substring of the waiting or blocked reason when not due
	}{
		{name: "never succeeded, inside the window", now: at(21, 2, 30), want: true},
		{name: "never succeeded, outside the window waits for it", now: at(21, 12, 0), why: "window"},
		{name: "succeeded today: next is tomorrow", now: at(21, 3, 0), st: PolicyState{LastSuccess: at(21, 2, 0)}, why: ""},
		{name: "missed yesterday, in today's window before today's run: replaced by it", now: at(22, 1, 30), st: PolicyState{LastSuccess: at(20, 2, 0)}, why: "replaces"},
		{name: "missed yesterday: today's run", now: at(22, 2, 0), st: PolicyState{LastSuccess: at(20, 2, 0)}, want: true},
		{name: "agent down three days: one catch-up run", now: at(24, 4, 0), st: PolicyState{LastSuccess: at(20, 2, 0)}, want: true},
		{name: "failed: waits for retryAt", now: at(21, 2, 30), st: PolicyState{LastSuccess: at(20, 2, 0), RetryAt: at(21, 2, 45)}, why: "retry"},
		{name: "failed: retried after retryAt", now: at(21, 2, 50), st: PolicyState{LastSuccess: at(20, 2, 0), RetryAt: at(21, 2, 45)}, want: true},
		{name: "suspended", now: at(21, 2, 30), st: PolicyState{Suspended: true}, why: "suspended"},
		{name: "stalled", now: at(21, 2, 30), st: PolicyState{Stalled: "destination missing"}, why: "destination missing"},
		{name: "requested runs outside the window", now: at(21, 12, 0), st: PolicyState{Force: true, LastSuccess: at(21, 2, 0)}, want: true},
		// Issue 16: a requested run that failed (or that the agent died in) stays requested
		// and is retried after its backoff, although the policy is not due.
		{name: "failed requested run waits for retryAt", now: at(21, 3, 0), st: PolicyState{Requested: true, LastSuccess: at(21, 2, 0), RetryAt: at(21, 3, 5)}, why: "retry"},
		{name: "failed requested run retried after retryAt", now: at(21, 3, 10), st: PolicyState{Requested: true, LastSuccess: at(21, 2, 0), RetryAt: at(21, 3, 5)}, want: true},
		{name: "a fresh reconcile does not wait for the backoff", now: at(21, 3, 0), st: PolicyState{Force: true, LastSuccess: at(21, 2, 0), RetryAt: at(21, 3, 5)}, want: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := testSet(t)
			p := Compute(set, set, Actual{Policies: map[string]PolicyState{"aes-prod-nightly": c.st}}, c.now)
			due := strings.Contains(kinds(p), "backup policy/aes-prod-nightly")
			if due != c.want {
				t.Fatalf("backup due = %v, want %v; plan %+v", due, c.want, p)
			}
			if !c.want && c.why != "" {
				var reasons []string
				for _, w := range append(p.Waiting, p.Blocked...) {
					if w.Object == "policy/aes-prod-nightly" && w.Kind == ActBackup {
						reasons = append(reasons, w.Reason)
					}
				}
				if !strings.Contains(strings.Join(reasons, ";"), c.why) {
					t.Errorf("reasons %q do not say %q", reasons, c.why)
				}
			}
		})
	}
}

func TestRestorePlanning(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	sets := []Set{
		{ID: "20261119T010000Z", Time: now.Add(-59 * time.Hour), Verified: true, Agent: "aes01", Trust: "trusted"},
		{ID: "20261120T010000Z", Time: now.Add(-35 * time.Hour), Verified: true, Agent: "aes01", Trust: "trusted"},
		{ID: "20261121T010000Z", Time: now.Add(-11 * time.Hour), Verified: false, Agent: "aes01", Trust: "trusted"},
	}
	r0 := testSet(t).Restore("staging-refresh")
	hash, specHash := r0.TargetHash(), r0.SpecHash()
	// applied is the target's record holding set id of this spec.
	applied := func(id string) restorerecord.Status {
		return restorerecord.Status{Kind: restorerecord.Applied, Entry: &restorerecord.Entry{Event: restorerecord.Completed,
			Restore: "staging-refresh", SpecHash: hash, Set: id, Time: now.Add(-time.Hour)}}
	}
	incomplete := restorerecord.Status{Kind: restorerecord.Incomplete, Reason: "the restore of set 20261120T010000Z began and never completed"}
	noMaxLag := func(r *manifests.Restore) { r.Spec.MaxLag = "" }
	window := func(r *manifests.Restore) { r.Spec.Window = &manifests.WindowSpec{Start: "01:00", Duration: "4h"} }
	cases := []struct {
		name string
		mod  func(r *manifests.Restore)
		st   RestoreState
		want string // the set restored, "" for none
		why  string // in the blocked or waiting reason when none
	}{
		{name: "first time: newest verified set", want: "20261120T010000Z"},
		{name: "holds the newest verified: nothing", st: RestoreState{AppliedHash: hash, RestoredSet: "20261120T010000Z", RestoredAt: now.Add(-35 * time.Hour), Record: applied("20261120T010000Z")}},
		{name: "newer set but within maxLag: wait", st: RestoreState{AppliedHash: hash, RestoredSet: "20261119T010000Z", RestoredAt: now.Add(-59 * time.Hour), Record: applied("20261119T010000Z")}, why: "waits until"},
		{name: "newer set and older than maxLag: refresh", st: RestoreState{AppliedHash: hash, RestoredSet: "20261101T010000Z", RestoredAt: now.Add(-200 * time.Hour), Record: applied("20261101T010000Z")}, want: "20261120T010000Z"},
		{name: "half-done restore of this spec: blocked", st: RestoreState{FailedHash: specHash}, why: "failed after it began overwriting"},
		{name: "half-done, explicitly requested: runs", st: RestoreState{FailedHash: specHash, Force: true}, want: "20261120T010000Z"},
		{name: "half-done of an older spec: runs", st: RestoreState{FailedHash: "old"}, want: "20261120T010000Z"},
		// Issue 14 point 1: the target's record decides.
		{name: "empty state dir, the record holds the newest: nothing", st: RestoreState{Record: applied("20261120T010000Z")}},
		{name: "empty state dir, standing restore within maxLag (time from the record): wait", st: RestoreState{Record: applied("20261119T010000Z")}, why: "waits until"},
		{name: "empty state dir, standing restore older than maxLag: refresh", st: RestoreState{Record: applied("20261101T010000Z")}, want: "20261120T010000Z"},
		{name: "state applied, no trace in the record: held", st: RestoreState{AppliedHash: hash, RestoredSet: "20261120T010000Z"}, why: "held: the state dir says this spec was applied"},
		{name: "state from before TargetHash (spec hash), no record: held", st: RestoreState{AppliedHash: specHash, RestoredSet: "20261119T010000Z"}, why: "held"},
		{name: "record incomplete: held", st: RestoreState{Record: incomplete}, why: "reconcile restore/staging-refresh"},
		{name: "record incomplete, state applied: held", st: RestoreState{AppliedHash: hash, Record: incomplete}, why: "never completed"},
		{name: "record incomplete, explicitly requested: runs", st: RestoreState{Record: incomplete, Force: true}, want: "20261120T010000Z"},
		{name: "record unreadable: held", st: RestoreState{RecordError: "permission denied"}, why: "cannot be read"},
		// Issue 14 point 6.
		{name: "latest without maxLag restores once", mod: noMaxLag, st: RestoreState{Record: applied("20261101T010000Z")}},
		{name: "latest without maxLag, never applied: runs", mod: noMaxLag, want: "20261120T010000Z"},
		{name: "maxLag edit is not a new spec", mod: func(r *manifests.Restore) { r.Spec.MaxLag = "720h" }, st: RestoreState{AppliedHash: hash, Record: applied("20261119T010000Z")}, why: "waits until"},
		{name: "new restore outside its window waits", mod: window, why: "restore window"},
		{name: "standing restore outside its window waits", mod: window, st: RestoreState{Record: applied("20261101T010000Z")}, why: "restore window"},
		{name: "requested outside the window runs", mod: window, st: RestoreState{Record: applied("20261101T010000Z"), Force: true}, want: "20261120T010000Z"},
		{name: "a new source set id is a new spec", mod: func(r *manifests.Restore) { r.Spec.Source.Backup = "20261119T010000Z" }, st: RestoreState{AppliedHash: hash, Record: restorerecord.Status{Entry: applied("20261120T010000Z").Entry}}, want: "20261119T010000Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := testSet(t)
			if c.mod != nil {
				c.mod(set.Restore("staging-refresh"))
			}
			act := Actual{Policies: map[string]PolicyState{"aes-prod-nightly": {Sets: sets, LastSuccess: now}},
				Restores: map[string]RestoreState{"staging-refresh": c.st}}
			p := Compute(set, set, act, now)
			got := ""
			for _, a := range p.Actions {
				if a.Kind == ActRestore {
					got = a.Sets[0]
					if !a.Destructive {
						t.Error("a restore is not marked destructive")
					}
				}
			}
			if got != c.want {
				t.Fatalf("restored set %q, want %q; plan %+v", got, c.want, p)
			}
			var reasons []string
			for _, w := range append(p.Waiting, p.Blocked...) {
				if w.Kind == ActRestore {
					reasons = append(reasons, w.Reason)
				}
			}
			if c.why != "" && !strings.Contains(strings.Join(reasons, ";"), c.why) {
				t.Errorf("reasons %q do not say %q", reasons, c.why)
			}
		})
	}
}

func TestRestoreStepsInWords(t *testing.T) {
	set := testSet(t)
	steps := strings.Join(RestoreSteps(set, set.Restore("staging-refresh"), "20261120T010000Z"), "\n")
	for _, want := range []string{
		"safety backup of aes-staging",
		"verify set 20261120T010000Z of policy aes-prod-nightly",
		"DROP USER AESUSER313 CASCADE on XE",
		"REVOKE DBA FROM AESUSER313",
		"start IIS (always)",
	} {
		if !strings.Contains(steps, want) {
			t.Errorf("plan does not say %q:\n%s", want, steps)
		}
	}
	// The runbook verifies the set before it takes the safety backup; the target has no
	// policy of its own in the examples, so the plan says the restore stops there.
	if v, s := strings.Index(steps, "verify set"), strings.Index(steps, "safety backup"); v > s {
		t.Errorf("plan lists the safety backup before verifying the set:\n%s", steps)
	}
	if !strings.Contains(steps, "aes-staging has no BackupPolicy to hold it") {
		t.Errorf("plan does not say the safety backup has no destination:\n%s", steps)
	}
}

// TestRestoreFromAnotherAgentsPolicy: the staging agent (aes02) restores production's sets
// (policy of aes01's server) without planning production's backups.
func TestRestoreFromAnotherAgentsPolicy(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	all := testSet(t)
	staging := all.ForAgent("aes02")
	if staging.Policy("aes-prod-nightly") != nil {
		t.Fatal("the staging agent's part holds production's policy")
	}
	act := Actual{Policies: map[string]PolicyState{"aes-prod-nightly": {Sets: []Set{{ID: "20261120T010000Z", Time: now.Add(-35 * time.Hour), Verified: true, Agent: "aes01", Trust: "trusted"}}}}}
	p := Compute(staging, all, act, now)
	if got := kinds(p); strings.Contains(got, "backup policy/aes-prod-nightly") || !strings.Contains(got, "restore restore/staging-refresh") {
		t.Fatalf("actions %s: want the restore and no backup of production", got)
	}
}

// TestNextIsWhatWillHappen: a retry due outside the window is shown at the window's opening
// (the run could not stop IIS before), and every time of a policy is in its zone (issue 16).
func TestNextIsWhatWillHappen(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	set := testSet(t)
	now := time.Date(2026, 11, 21, 4, 50, 0, 0, zurich)
	retry := time.Date(2026, 11, 21, 5, 20, 0, 0, zurich).UTC() // after the 01:00-05:00 window
	p := Compute(set, set, Actual{Policies: map[string]PolicyState{"aes-prod-nightly": {LastSuccess: now.Add(-24 * time.Hour), RetryAt: retry}}}, now)
	var got []Waiting
	for _, w := range p.Waiting {
		if w.Object == "policy/aes-prod-nightly" {
			got = append(got, w)
		}
	}
	if len(got) == 0 {
		t.Fatalf("nothing waits for aes-prod-nightly: %+v", p)
	}
	for _, w := range got {
		if name, off := w.At.Zone(); off != 3600 || name != "CET" {
			t.Errorf("%s at %s: not in Europe/Zurich", w.Kind, w.At.Format(time.RFC3339))
		}
		if w.Kind == ActBackup && w.At.Format(time.RFC3339) != "2026-11-22T01:00:00+01:00" {
			t.Errorf("the retry is shown at %s, want the next window's opening 2026-11-22T01:00:00+01:00", w.At.Format(time.RFC3339))
		}
	}
}
