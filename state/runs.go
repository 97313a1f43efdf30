package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Run results and step states.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	// RunWaiting: the run did nothing and waits (for its window): neither a success nor a
	// failure (issue 16).
	RunWaiting = "waiting"

	StepStarted = "started"
	StepDone    = "done"
	StepFailed  = "failed"
	StepSkipped = "skipped"
	StepWaiting = "waiting"
)

// Step is one journaled step of a run.
type Step struct {
	Name     string    `json:"name"`
	State    string    `json:"state"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// Run is the journal of one run (backup, restore, verify, retention, checks).
type Run struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Object     string    `json:"object"` // KIND/NAME
	Server     string    `json:"server"`
	SpecHash   string    `json:"specHash,omitempty"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished,omitempty"`
	Result     string    `json:"result"`
	FailedStep string    `json:"failedStep,omitempty"`
	Error      string    `json:"error,omitempty"`
	Steps      []Step    `json:"steps"`
	// Set is the backup set the run produced or used.
	Set string `json:"set,omitempty"`
	// SizeBytes is the size of the set the run produced or used.
	SizeBytes int64 `json:"sizeBytes,omitempty"`
	// Recovery holds what a restarted agent needs to undo a run that died (IIS start argv,
	// the user granted DBA), written before the thing to undo is done.
	Recovery map[string][]string `json:"recovery,omitempty"`
	// Note says why a waiting run waits (Result waiting).
	Note string `json:"note,omitempty"`
}

// RunSummary is a finished run in the history.
type RunSummary struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Object     string    `json:"object"`
	Server     string    `json:"server"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	Result     string    `json:"result"`
	FailedStep string    `json:"failedStep,omitempty"`
	Error      string    `json:"error,omitempty"`
	Set        string    `json:"set,omitempty"`
	// SizeBytes is the size of the set the run produced or used, when known.
	SizeBytes int64 `json:"sizeBytes,omitempty"`
	// Steps are the timings of the run's steps (get runs, the status page), kept for the
	// newest StepsPerObject runs of each object only: status.json is copied at every read.
	Steps []StepTiming `json:"steps,omitempty"`
	// Note says why a waiting run waits (Result waiting; Error and FailedStep stay empty).
	Note string `json:"note,omitempty"`
}

// StepTiming is a step of a finished run: how it ended and how long it took.
type StepTiming struct {
	Name    string  `json:"name"`
	State   string  `json:"state"` // done, failed, skipped, started (the agent died in it)
	Seconds float64 `json:"seconds"`
	// Error is why a step was skipped, or its error when the run's own error says otherwise.
	Error string `json:"error,omitempty"`
}

// StepsPerObject is how many of each object's newest runs keep their step timings.
const StepsPerObject = 10

// timings condenses a run's journaled steps.
func timings(run Run) []StepTiming {
	out := make([]StepTiming, 0, len(run.Steps))
	for _, st := range run.Steps {
		t := StepTiming{Name: st.Name, State: st.State}
		if !st.Finished.IsZero() && st.Finished.After(st.Started) {
			t.Seconds = math.Round(st.Finished.Sub(st.Started).Seconds()*1000) / 1000
		}
		if st.Error != run.Error {
			t.Error = st.Error
		}
		out = append(out, t)
	}
	return out
}

// Journal persists one run; it implements runbook.Journal.
type Journal struct {
	s   *Store
	mu  sync.Mutex
	run Run
}

// BeginRun creates the journal of a new run and persists it before returning.
func (s *Store) BeginRun(kind, object, server, specHash string) (*Journal, error) {
	now := s.now()
	id := fmt.Sprintf("%s-%s-%s", now.Format("20060102T150405.000000000Z"), kind, strings.ReplaceAll(object, "/", "-"))
	j := &Journal{s: s, run: Run{ID: id, Kind: kind, Object: object, Server: server, SpecHash: specHash, Started: now, Result: RunRunning}}
	return j, j.save()
}

// ID of the run.
func (j *Journal) ID() string { return j.run.ID }

// Run returns a copy of the journal.
func (j *Journal) Run() Run {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.run
	r.Steps = append([]Step(nil), r.Steps...)
	return r
}

// SetRecovery records what undoes a step, durably, before the step runs.
func (j *Journal) SetRecovery(key string, value []string) error {
	j.mu.Lock()
	if j.run.Recovery == nil {
		j.run.Recovery = map[string][]string{}
	}
	j.run.Recovery[key] = value
	j.mu.Unlock()
	return j.save()
}

// SetSet records the set the run produced or used.
func (j *Journal) SetSet(id string) {
	j.mu.Lock()
	j.run.Set = id
	j.mu.Unlock()
}

// SetSize records the size in bytes of the set the run produced or used.
func (j *Journal) SetSize(bytes int64) {
	j.mu.Lock()
	j.run.SizeBytes = bytes
	j.mu.Unlock()
}

// StepStarted persists that step begins.
func (j *Journal) StepStarted(step string) error {
	j.mu.Lock()
	j.run.Steps = append(j.run.Steps, Step{Name: step, State: StepStarted, Started: j.s.now()})
	j.mu.Unlock()
	return j.save()
}

// StepFinished persists the end of the last step of that name.
func (j *Journal) StepFinished(step string, err error) error {
	j.mu.Lock()
	for i := len(j.run.Steps) - 1; i >= 0; i-- {
		st := &j.run.Steps[i]
		if st.Name == step && st.State == StepStarted {
			st.Finished = j.s.now()
			st.State = StepDone
			if err != nil {
				st.State, st.Error = StepFailed, err.Error()
			}
			break
		}
	}
	j.mu.Unlock()
	return j.save()
}

// StepSkipped persists that step was not run, and why.
func (j *Journal) StepSkipped(step, why string) error {
	now := j.s.now()
	j.mu.Lock()
	j.run.Steps = append(j.run.Steps, Step{Name: step, State: StepSkipped, Started: now, Finished: now, Error: why})
	j.mu.Unlock()
	return j.save()
}

// Abandon ends a run found by UnfinishedRuns: the step that was running is marked failed
// with reason, and the run fails at that step.
func (j *Journal) Abandon(reason string) error {
	j.mu.Lock()
	step := j.run.LastStarted()
	for i := len(j.run.Steps) - 1; i >= 0; i-- {
		if st := &j.run.Steps[i]; st.State == StepStarted {
			st.State, st.Error, st.Finished = StepFailed, reason, j.s.now()
			break
		}
	}
	j.mu.Unlock()
	return j.Finish(errors.New(reason), step)
}

// Finish ends the run, moves it into the history and removes its journal file.
func (j *Journal) Finish(err error, failedStep string) error {
	j.mu.Lock()
	j.run.Finished = j.s.now()
	j.run.Result = RunSucceeded
	if err != nil {
		j.run.Result, j.run.Error, j.run.FailedStep = RunFailed, err.Error(), failedStep
	}
	run := j.run
	j.mu.Unlock()
	return j.s.finish(run)
}

// StepWaited persists that the last step of that name did nothing and waits (note says
// for what); the runbook calls it in place of StepFinished.
func (j *Journal) StepWaited(step, note string) error {
	j.mu.Lock()
	for i := len(j.run.Steps) - 1; i >= 0; i-- {
		st := &j.run.Steps[i]
		if st.Name == step && st.State == StepStarted {
			st.Finished, st.State = j.s.now(), StepWaiting
			break
		}
	}
	j.mu.Unlock()
	return j.save()
}

// Wait ends a run that did nothing and waits (for its window) into the history as
// waiting, with note saying why: no field of the record reads failed.
func (j *Journal) Wait(note string) error {
	j.mu.Lock()
	j.run.Finished = j.s.now()
	j.run.Result, j.run.Note = RunWaiting, note
	run := j.run
	j.mu.Unlock()
	return j.s.finish(run)
}

func (j *Journal) save() error {
	j.mu.Lock()
	b := mustJSON(j.run)
	id := j.run.ID
	j.mu.Unlock()
	if err := writeFileAtomic(filepath.Join(j.s.dir, runsDir, id+".json"), b, 0o600); err != nil {
		return fmt.Errorf("journal of run %s: %w", id, err)
	}
	return nil
}

func (s *Store) finish(run Run) error {
	sum := RunSummary{ID: run.ID, Kind: run.Kind, Object: run.Object, Server: run.Server, Started: run.Started,
		Finished: run.Finished, Result: run.Result, FailedStep: run.FailedStep, Error: run.Error, Set: run.Set,
		SizeBytes: run.SizeBytes, Steps: timings(run), Note: run.Note}
	err := s.Record(func(st *Status) {
		st.History = append(st.History, sum)
		st.History = trimHistory(st.History, s.HistoryPerObject)
		kind, name, _ := strings.Cut(run.Object, "/")
		st.Object(kind, name).LastRun = run.ID
	})
	if err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, runsDir, run.ID+".json")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove journal of run %s: %w", run.ID, err)
	}
	return nil
}

func trimHistory(h []RunSummary, per int) []RunSummary {
	if per <= 0 {
		return h
	}
	count := map[string]int{}
	keep := make([]bool, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		count[h[i].Object]++
		keep[i] = count[h[i].Object] <= per
	}
	out := h[:0]
	for i, r := range h {
		if keep[i] {
			out = append(out, r)
		}
	}
	steps := map[string]int{}
	for i := len(out) - 1; i >= 0; i-- {
		if steps[out[i].Object]++; steps[out[i].Object] > StepsPerObject {
			out[i].Steps = nil
		}
	}
	return out
}

// UnfinishedRuns returns the runs whose journal is still open: the agent died during them.
func (s *Store) UnfinishedRuns() ([]*Journal, error) {
	runs, damaged, err := s.RecoverableRuns()
	if err == nil && len(damaged) > 0 {
		err = fmt.Errorf("%d damaged journal(s) set aside: %w", len(damaged), errors.Join(damaged...))
	}
	return runs, err
}

// DamagedSuffix is appended to a journal that cannot be read: it is set aside, never
// deleted, so a person can see what it held.
const DamagedSuffix = ".damaged"

// RecoverableRuns returns the journals of runs that never finished, oldest first, and one
// error per journal that could not be parsed: such a journal is renamed with DamagedSuffix
// (set aside, reported) and the others are still returned (issue 14 point 7). Only a runs
// folder that cannot be listed is an error.
func (s *Store) RecoverableRuns() ([]*Journal, []error, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, runsDir))
	if err != nil {
		return nil, nil, fmt.Errorf("journals in %s: %w", s.dir, err)
	}
	var out []*Journal
	var damaged []error
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(s.dir, runsDir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			damaged = append(damaged, fmt.Errorf("journal %s: %w", p, err))
			continue
		}
		var r Run
		if err := json.Unmarshal(b, &r); err != nil || r.ID == "" {
			if err == nil {
				err = errors.New("it has no run id")
			}
			aside := p + DamagedSuffix
			if rerr := os.Rename(p, aside); rerr != nil {
				damaged = append(damaged, fmt.Errorf("journal %s is damaged (%w) and could not be set aside: %w", p, err, rerr))
			} else {
				damaged = append(damaged, fmt.Errorf("journal %s is damaged (%w); set aside as %s", p, err, aside))
			}
			continue
		}
		out = append(out, &Journal{s: s, run: r})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].run.Started.Before(out[b].run.Started) })
	return out, damaged, nil
}

// LastStarted is the step that was running (started, not finished) or the last one started.
func (r Run) LastStarted() string {
	for i := len(r.Steps) - 1; i >= 0; i-- {
		if r.Steps[i].State == StepStarted {
			return r.Steps[i].Name
		}
	}
	if len(r.Steps) > 0 {
		return r.Steps[len(r.Steps)-1].Name
	}
	return ""
}

// Reached reports whether the run started step name.
func (r Run) Reached(name string) bool {
	for _, s := range r.Steps {
		if s.Name == name {
			return true
		}
	}
	return false
}
