package runbook

import (
	"context"
	"fmt"
	"time"
)

// Recovery is what a restarted agent owes a run it died in once a step had started.
type Recovery string

// Recovery obligations. The value is also the key under which the run's journal records
// what the obligation needs (the start argv, the user, the folder), before the step runs.
const (
	RecoverNothing Recovery = ""
	// StartIIS: the step stops IIS; start it again.
	StartIIS Recovery = "start-iis"
	// RevokeDBA: the step grants DBA; revoke it unless a revoke-dba step finished.
	RevokeDBA Recovery = "revoke-dba"
	// RemovePartial: the step creates the set's .partial folder; remove it.
	RemovePartial Recovery = "partial"
)

// Def defines one step of a runbook, the one place where its name, its nature and its
// words are written: the runbook runs Do, `vaultkeeper plan` shows Words, the step metrics
// are declared from Name, crash recovery reads Recovery and the restore's guards read
// Destructive. J is the runbook's job; Words and Skip read only what is known before the
// run (the manifests and the chosen set), so the planner can call them on a job that has
// no adapters.
type Def[J any] struct {
	// Name is stable and short: it names the step in the journal, the logs and the step
	// label of vaultkeeper_step_duration_seconds.
	Name string
	// Destructive marks the steps from which on the target is being overwritten.
	Destructive bool
	// Recovery is owed once the step has started.
	Recovery Recovery
	// Words says what the step will do, in words an admin checks in a pull request; a
	// func returning "" leaves the step out of the plan (bookkeeping such as hashing).
	Words func(j J) string
	// Skip, when set, says the step does not run at all for j (a disabled safety backup).
	Skip func(j J) bool
	// Timeout bounds the step (nil or 0: only the runbook's context does).
	Timeout func(j J) time.Duration
	// Do performs the step.
	Do func(ctx context.Context, j J) error
}

// Step is the runnable step of d for job j.
func (d Def[J]) Step(j J) Step {
	s := Step{Name: d.Name, Do: func(ctx context.Context) error { return d.Do(ctx, j) }}
	if d.Timeout != nil {
		s.Timeout = d.Timeout(j)
	}
	return s
}

func (d Def[J]) skipped(j J) bool { return d.Skip != nil && d.Skip(j) }

// Steps returns the steps of defs that run for j, in order.
func Steps[J any](defs []Def[J], j J) []Step {
	var out []Step
	for _, d := range defs {
		if !d.skipped(j) {
			out = append(out, d.Step(j))
		}
	}
	return out
}

// Planned is one step as the plan shows it.
type Planned struct {
	Step  string `json:"step"`
	Words string `json:"words"`
}

// Plan returns the steps of defs that run for j and have words, in order.
func Plan[J any](defs []Def[J], j J) []Planned {
	var out []Planned
	for _, d := range defs {
		if d.skipped(j) || d.Words == nil {
			continue
		}
		if w := d.Words(j); w != "" {
			out = append(out, Planned{Step: d.Name, Words: w})
		}
	}
	return out
}

// Words is Plan's words only.
func Words[J any](defs []Def[J], j J) []string {
	var out []string
	for _, p := range Plan(defs, j) {
		out = append(out, p.Words)
	}
	return out
}

// Names lists the step names of defs in order (the metric labels of the runbook).
func Names[J any](defs []Def[J]) []string {
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.Name
	}
	return out
}

// Destructive lists the names of the destructive steps of defs.
func Destructive[J any](defs []Def[J]) []string {
	var out []string
	for _, d := range defs {
		if d.Destructive {
			out = append(out, d.Name)
		}
	}
	return out
}

// Obligation is a recovery owed by the step Step.
type Obligation struct {
	Step     string
	Recovery Recovery
}

// Obligations lists the recovery obligations of defs, in step order.
func Obligations[J any](defs []Def[J]) []Obligation {
	var out []Obligation
	for _, d := range defs {
		if d.Recovery != RecoverNothing {
			out = append(out, Obligation{Step: d.Name, Recovery: d.Recovery})
		}
	}
	return out
}

// Check reports definitions that cannot work: an empty or repeated name, no Do.
func Check[J any](defs []Def[J]) error {
	seen := map[string]bool{}
	for i, d := range defs {
		switch {
		case d.Name == "":
			return fmt.Errorf("step %d has no name", i)
		case seen[d.Name]:
			return fmt.Errorf("step %s is defined twice", d.Name)
		case d.Do == nil:
			return fmt.Errorf("step %s has no Do", d.Name)
		}
		seen[d.Name] = true
	}
	return nil
}
