package planner

import (
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

// TestPickSet: a Restore uses only a verified set whose record's signature verifies and
// whose agent its source allows (issue 14); safety sets only when it names one; and it says
// why it passed the others over.
func TestPickSet(t *testing.T) {
	at := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	set := func(id, kind, agent, trust string) Set {
		return Set{ID: id, Time: at, Verified: true, Kind: kind, Agent: agent, Trust: trust, TrustReason: "set " + id + " is " + trust}
	}
	sets := []Set{
		set("20261118T020000Z", "scheduled", "aes01", "trusted"),
		set("20261119T020000Z", "safety", "aes01", "trusted"),
		set("20261120T020000Z", "scheduled", "intruder", "trusted"),
		set("20261121T020000Z", "scheduled", "aes01", "forged"),
		set("20261122T020000Z", "scheduled", "aes01", "unsigned"),
		{ID: "20261123T020000Z", Time: at, Verified: false, Kind: "scheduled", Agent: "aes01", Trust: "trusted"},
	}
	latest := manifests.RestoreSource{Backup: manifests.BackupLatest}
	for _, tc := range []struct {
		name   string
		src    manifests.RestoreSource
		agents []string
		want   string
		passed []string
	}{
		{"latest: the newest trusted set of an allowed agent", latest, []string{"aes01"}, "20261118T020000Z",
			[]string{"is unsigned", "is forged", `made by agent "intruder"; the Restore's source allows aes01`}},
		{"latest, any agent", latest, nil, "20261120T020000Z", []string{"is unsigned", "is forged"}},
		{"a forged set by id", manifests.RestoreSource{Backup: "20261121T020000Z"}, []string{"aes01"}, "", []string{"is forged"}},
		{"a trusted set by id", manifests.RestoreSource{Backup: "20261118T020000Z"}, []string{"aes01"}, "20261118T020000Z", nil},
		{"a safety set by id, without safety: true", manifests.RestoreSource{Backup: "20261119T020000Z"}, nil, "", nil},
		{"a safety set by id", manifests.RestoreSource{Backup: "20261119T020000Z", Safety: true}, []string{"aes01"}, "20261119T020000Z", nil},
		{"safety: true names a scheduled set", manifests.RestoreSource{Backup: "20261118T020000Z", Safety: true}, nil, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, passed := pickSet(sets, tc.src, tc.agents)
			id := ""
			if got != nil {
				id = got.ID
			}
			if id != tc.want {
				t.Fatalf("picked %q, want %q (passed over %q)", id, tc.want, passed)
			}
			if len(passed) != len(tc.passed) {
				t.Fatalf("passed over %q, want %d reasons %q", passed, len(tc.passed), tc.passed)
			}
			for i, w := range tc.passed {
				if !strings.Contains(passed[i], w) {
					t.Errorf("reason %d %q, want it to say %q", i, passed[i], w)
				}
			}
		})
	}
}

// TestPickSetBoundsReasons: a long run of untrusted sets (say, every set made before
// signing) is named by its newest few and counted.
func TestPickSetBoundsReasons(t *testing.T) {
	var sets []Set
	for i := 0; i < 10; i++ {
		sets = append(sets, Set{ID: string(rune('a' + i)), Verified: true, Trust: "unsigned", TrustReason: "unsigned " + string(rune('a'+i))})
	}
	got, passed := pickSet(sets, manifests.RestoreSource{Backup: manifests.BackupLatest}, nil)
	if got != nil || len(passed) != maxPassed+1 || passed[0] != "unsigned j" || passed[maxPassed] != "5 more" {
		t.Fatalf("pickSet = %v, %q; want nothing, the newest %d reasons and the count of the rest", got, passed, maxPassed)
	}
}

// TestRestoreWaitsForTrustedSet: the plan names the untrusted sets a Restore did not use;
// a Restore naming an untrusted set is blocked, not retried.
func TestRestoreWaitsForTrustedSet(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	set := testSet(t)
	forged := Set{ID: "20261121T010000Z", Time: now.Add(-11 * time.Hour), Verified: true, Agent: "aes01", Trust: "forged",
		TrustReason: "set aes-prod/20261121T010000Z: key 1234: signature does not match the record"}
	act := Actual{Policies: map[string]PolicyState{"aes-prod-nightly": {Sets: []Set{forged}}}, Restores: map[string]RestoreState{}}
	p := Compute(set, set, act, now)
	if strings.Contains(kinds(p), "restore") {
		t.Fatalf("a forged set is restored: %+v", p.Actions)
	}
	found := false
	for _, w := range p.Waiting {
		found = found || (w.Object == "restore/staging-refresh" && strings.Contains(w.Reason, "signature does not match"))
	}
	if !found {
		t.Errorf("the plan does not say why the restore waits: %+v", p.Waiting)
	}
	set.Restore("staging-refresh").Spec.Source.Backup = forged.ID
	p = Compute(set, set, act, now)
	if len(p.Blocked) != 1 || !strings.Contains(p.Blocked[0].Reason, "may not be restored") {
		t.Errorf("a Restore naming a forged set: blocked %+v", p.Blocked)
	}
}
