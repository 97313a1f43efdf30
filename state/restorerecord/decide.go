package restorerecord

import "fmt"

// Verdict is what to do with a Restore.
type Verdict int

const (
	// Run: the Restore may start (inside its window, as usual).
	Run Verdict = iota
	// Done: the target holds the spec; Decision.Applied says which set and when (a standing
	// restore rebuilds its restored set and time from it, so maxLag keeps working).
	Done
	// Held: never start by itself; Decision.Reason and Confirm say why and what to do.
	Held
)

func (v Verdict) String() string {
	switch v {
	case Done:
		return "done"
	case Held:
		return "held"
	}
	return "run"
}

// Input is what Decide weighs.
type Input struct {
	Restore, SpecHash string
	// StateApplied: the state dir says this spec was applied (its applied hash equals
	// SpecHash).
	StateApplied bool
	// Record is Lookup's answer from the target's record.
	Record Status
	// Requested: asked explicitly with `vaultkeeper reconcile restore/NAME`.
	Requested bool
}

// Decision is Decide's answer.
type Decision struct {
	Verdict Verdict
	// Reason says why (for every verdict); Confirm, for Held, how to let it run.
	Reason, Confirm string
	// Applied is the completed event when Done.
	Applied *Entry
}

// Decide is the rule of issue 14 point 1: the target's record decides, not the state dir.
//
//	asked with reconcile restore/NAME          → run
//	record: incomplete                         → held (the target may be half-restored)
//	record: applied                            → done (whatever the state dir says)
//	record: never applied, state: applied      → held (state and target disagree)
//	record: never applied, state: not applied  → run
func Decide(in Input) Decision {
	confirm := fmt.Sprintf("check the target, then run `vaultkeeper reconcile restore/%s` to restore it explicitly", in.Restore)
	switch {
	case in.Requested:
		return Decision{Verdict: Run, Reason: fmt.Sprintf("asked with vaultkeeper reconcile restore/%s", in.Restore)}
	case in.Record.Kind == Incomplete:
		return Decision{Verdict: Held, Reason: in.Record.Reason, Confirm: confirm + " (or roll back to its safety set)"}
	case in.Record.Kind == Applied:
		e := in.Record.Entry
		return Decision{Verdict: Done, Applied: e, Reason: fmt.Sprintf("the target's record says set %s was restored by Restore %s at %s",
			e.Set, e.Restore, e.Time.UTC().Format("2006-01-02T15:04:05Z"))}
	case in.StateApplied:
		why := "the state dir says this spec was applied, but the target's record has no trace of it (target reinstalled, record removed, or the state dir belongs to another target)"
		if e := in.Record.Entry; e != nil {
			why = fmt.Sprintf("the state dir says this spec was applied, but the target's record says its last restore was set %s by Restore %s at %s",
				e.Set, e.Restore, e.Time.UTC().Format("2006-01-02T15:04:05Z"))
		}
		return Decision{Verdict: Held, Reason: why, Confirm: confirm}
	}
	return Decision{Verdict: Run, Reason: "never applied to the target"}
}
