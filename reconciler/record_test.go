package reconciler

import (
	"errors"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

func TestVerdict(t *testing.T) {
	t.Parallel() // the clock is each agent's own (Options.Now, Store.Now)
	now := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	set := &catalog.Meta{ID: "20261121T020000Z"}
	boom := errors.New("step export: EXP-00056")
	cases := []struct {
		name string
		f    finished
		want verdict
	}{
		{"backup succeeded", finished{op: "backup", set: set},
			verdict{result: "success", ready: "True", reason: "Succeeded", msg: "set 20261121T020000Z published and verified"}},
		{"backup waited for its window", finished{op: "backup", err: outcome.Waiting("OutsideWindow", now.Add(time.Hour), errors.New("closed"))},
			verdict{ready: "Unknown", reason: "OutsideWindow", msg: "closed", waitUntil: now.Add(time.Hour)}},
		{"backup failed: retried after backoff", finished{op: "backup", err: boom, step: "export"},
			verdict{result: "failure", ready: "False", reason: "Failed", msg: "step export: EXP-00056", retryAt: now.Add(60 * time.Second)}},
		{"backup stalled: no retry", finished{op: "backup", err: outcome.Stalledf("InvalidSchedule", "bad cron"), step: "check-destination"},
			verdict{result: "failure", ready: "False", reason: "InvalidSchedule", msg: "step check-destination: bad cron",
				stalled: true, stalledReason: "InvalidSchedule", stalledMsg: "step check-destination: bad cron"}},
		{"backup the agent died in: retried", finished{op: "backup", err: errors.New("the agent stopped during step export"), abandoned: true},
			verdict{result: "failure", ready: "False", reason: "AgentStopped", msg: "the agent stopped during step export", retryAt: now.Add(60 * time.Second)}},
		{"restore succeeded", finished{op: "restore", set: set},
			verdict{result: "success", ready: "True", reason: "Restored", msg: "set 20261121T020000Z restored and verified"}},
		{"restore failed before overwriting: retried", finished{op: "restore", err: errors.New("safety"), step: "safety-backup"},
			verdict{result: "failure", ready: "False", reason: "Failed", msg: "step safety-backup: safety", retryAt: now.Add(60 * time.Second)}},
		{"restore failed after it began overwriting: held", finished{op: "restore", name: "r", server: "s", err: errors.New("imp"), step: "import"},
			verdict{result: "failure", ready: "False", reason: "Failed", msg: "step import: imp", stalled: true, stalledReason: "RestoreFailed",
				stalledMsg: "the restore failed at import after it began overwriting s; fix the cause, then change the spec or run `vaultkeeper reconcile restore/r`"}},
		{"restore the agent died in: held", finished{op: "restore", name: "r", err: errors.New("died"), abandoned: true},
			verdict{result: "failure", ready: "False", reason: "AgentStopped", msg: "died", stalled: true, stalledReason: "RestoreInterrupted",
				stalledMsg: "died; it is not re-run by itself: change the spec or run `vaultkeeper reconcile restore/r`"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.verdict(now, 2); got != c.want {
				t.Errorf("verdict\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestRequestedRunStaysRequested: a run asked for with `vaultkeeper reconcile` that failed
// for a transient reason (or that the agent died in) stays requested, so the planner retries
// it after RetryAt although the policy is not due; success and a stall clear it (issue 16).
func TestRequestedRunStaysRequested(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	set := &catalog.Meta{ID: "20261121T120000Z"}
	for _, c := range []struct {
		name          string
		f             finished
		wantRequested bool
	}{
		{"transient failure", finished{op: "backup", err: errors.New("EXP-00056"), step: "export"}, true},
		{"died in it", finished{op: "backup", err: errors.New("the agent stopped during step export"), abandoned: true}, true},
		{"stalled", finished{op: "backup", err: outcome.Stalledf("DestinationMissing", "no D:"), step: "check-destination"}, false},
		{"succeeded", finished{op: "backup", set: set}, false},
		{"published, a replica failed", finished{op: "backup", set: set, published: true, err: errors.New("copy to NAS"), step: "replicate"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &state.Policy{Requested: true}
			applyPolicy(p, c.f, c.f.verdict(now, 1), now)
			if p.Requested != c.wantRequested {
				t.Errorf("Requested = %v, want %v (%+v)", p.Requested, c.wantRequested, p)
			}
			if (c.wantRequested || c.f.published) && p.RetryAt.IsZero() {
				t.Error("requested again without a retry time: it would run at once, without backoff")
			}
		})
	}
}
