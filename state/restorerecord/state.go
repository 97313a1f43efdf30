package restorerecord

import (
	"fmt"
)

// Kind is what the record says about one Restore spec on its target.
type Kind int

const (
	// NeverApplied: the record holds no completed restore of this spec as the target's
	// current content (none at all, or a later restore replaced it).
	NeverApplied Kind = iota
	// Applied: the last completed restore of the target is this spec.
	Applied
	// Incomplete: a restore began and never completed (a crash, a failure after the first
	// destructive step), or a damaged line follows the last completed one: what the target
	// holds is unknown.
	Incomplete
)

func (k Kind) String() string {
	switch k {
	case Applied:
		return "applied"
	case Incomplete:
		return "incomplete"
	}
	return "never applied"
}

// Status is the answer of Lookup.
type Status struct {
	Kind Kind
	// Entry is the completed event (Applied), the begun event left open (Incomplete, when a
	// begun event is the cause), or the last completed event of another spec (NeverApplied,
	// when the target holds something else); nil otherwise.
	Entry *Entry
	// Reason says why, in words, for Incomplete.
	Reason string
}

// Lookup says whether the spec specHash of Restore restore is what the target holds.
//
// The target holds what its last completed restore brought, unless a restore began after it
// and never completed, or a line after it is damaged (it could have been a begun event).
// A begun event followed by another begun event is superseded by it: that later restore
// overwrote the target again.
func (r *Record) Lookup(restore, specHash string) Status {
	var last, pending *Entry
	lastLine := 0
	for i := range r.Entries {
		e := &r.Entries[i]
		switch e.Event {
		case Begun:
			pending = e
		case Completed:
			if pending != nil && pending.Run == e.Run {
				pending, last, lastLine = nil, e, r.lines[i]
			}
		}
	}
	if pending != nil {
		return Status{Kind: Incomplete, Entry: pending, Reason: fmt.Sprintf(
			"%s: the restore of set %s (Restore %s, run %s) by agent %s began at %s and never completed: the target may be half-restored",
			r.Path, pending.Set, pending.Restore, pending.Run, pending.Agent, pending.Time.UTC().Format("2006-01-02T15:04:05Z"))}
	}
	for _, d := range r.Damaged {
		if d.Line > lastLine {
			return Status{Kind: Incomplete, Entry: last, Reason: fmt.Sprintf(
				"%s: line %d is damaged (%s) and follows the last completed restore: it may have been the start of another",
				r.Path, d.Line, d.Reason)}
		}
	}
	if last != nil && last.Restore == restore && last.SpecHash == specHash {
		return Status{Kind: Applied, Entry: last}
	}
	return Status{Kind: NeverApplied, Entry: last}
}
