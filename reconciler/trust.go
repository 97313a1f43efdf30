package reconciler

import (
	"fmt"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/planner"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Condition types of issue 14: sets that count for nothing, and why.
const (
	// condFutureSets (BackupPolicy): sets dated more than an hour ahead are ignored.
	condFutureSets = "FutureSets"
	// condUntrustedSets (BackupPolicy, Restore): sets whose record's signature is not
	// trusted (or, for a Restore, made by an agent its source does not allow) are not restored.
	condUntrustedSets = "UntrustedSets"
)

// buildModel rebuilds the read model of a.cat at now, judging each set with the set keys.
// a.mu is held.
func (a *Agent) buildModel(now time.Time) {
	a.model = view.Build(a.desired, a.all, a.cat, view.Trust{Now: now, Keys: a.opt.SetKeys, Verdicts: &a.verdicts})
}

// modelAt is the read model at now: built again once a future set stopped being one. a.mu
// is held.
func (a *Agent) modelAt(now time.Time) *view.Model {
	if until := a.model.ValidUntil; !until.IsZero() && !now.Before(until) {
		a.buildModel(now)
		a.noteDue = true
	}
	return a.model
}

// noteSetsIfDue writes the conditions of noteSets when modelAt rebuilt the model.
func (a *Agent) noteSetsIfDue() {
	a.mu.Lock()
	due := a.noteDue
	a.noteDue = false
	a.mu.Unlock()
	if due {
		a.noteSets()
	}
}

// setCondition is one condition noteSets wants on an object.
type setCondition struct {
	kind, name, typ, status, reason, msg string
}

// noteSets reports, in conditions, the sets the read model leaves out: future sets of this
// agent's policies, and sets a Restore passed over (or an own policy holds) because their
// record is not trusted. A condition is written only when it changes, and a False one only
// over an earlier True one.
func (a *Agent) noteSets() {
	a.mu.Lock()
	desired, all, model := a.desired, a.all, a.model
	a.mu.Unlock()
	var want []setCondition
	for _, p := range desired.Policies {
		name := p.Metadata.Name
		mp := model.Policy(name)
		c := setCondition{kind: manifests.KindBackupPolicy, name: name, typ: condFutureSets, status: "False", reason: "None"}
		if len(mp.Future) > 0 {
			var sets []string
			for _, f := range mp.Future {
				when, what := f.Set.Dated()
				sets = append(sets, fmt.Sprintf("%s in %s (dated %s by %s)", f.Set.ID, f.Set.Destination, when.UTC().Format(time.RFC3339), what))
			}
			c.status, c.reason = "True", "FutureSetsIgnored"
			c.msg = fmt.Sprintf("%d set(s) dated more than %s ahead are ignored for last success, due times, retention and latest: %s",
				len(mp.Future), catalog.MaxFutureSkew, strings.Join(sets, ", "))
		}
		want = append(want, c)
		u := setCondition{kind: manifests.KindBackupPolicy, name: name, typ: condUntrustedSets, status: "False", reason: "None"}
		if n := len(mp.Untrusted); n > 0 {
			u.status, u.reason = "True", "NotRestorable"
			u.msg = fmt.Sprintf("%d set(s) are never restored: %s", n, strings.Join(firstOf(mp.Untrusted, 3), "; "))
		}
		want = append(want, u)
	}
	for _, r := range desired.Restores {
		_, passed := planner.ResolveSet(all, r, model.Policy(r.Spec.Source.Policy).Sets)
		u := setCondition{kind: manifests.KindRestore, name: r.Metadata.Name, typ: condUntrustedSets, status: "False", reason: "None"}
		if len(passed) > 0 {
			u.status, u.reason = "True", "SetsPassedOver"
			u.msg = "not restored: " + strings.Join(passed, "; ")
		}
		want = append(want, u)
	}
	st := a.opt.Store.Snapshot()
	var changed []setCondition
	for _, c := range want {
		var old state.Condition
		ok := false
		if o := st.Objects[c.kind+"/"+c.name]; o != nil {
			old, ok = o.Condition(c.typ)
		}
		if (!ok && c.status == "False") || (ok && old.Status == c.status && old.Reason == c.reason && old.Message == c.msg) {
			continue
		}
		changed = append(changed, c)
	}
	if len(changed) == 0 {
		return
	}
	a.update(func(st *state.Status) {
		for _, c := range changed {
			st.Object(c.kind, c.name).SetCondition(c.typ, c.status, c.reason, c.msg)
		}
	})
}

// firstOf is the first n of s, and how many more there are.
func firstOf(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string(nil), s[:n]...), fmt.Sprintf("%d more", len(s)-n))
}
