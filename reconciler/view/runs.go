package view

import (
	"github.com/vaultkeeper/vaultkeeper/state"
)

// Runs turns the store's history (oldest first) into run views, oldest first; object,
// when not empty, keeps only that object's runs (policy/NAME, restore/NAME).
func Runs(history []state.RunSummary, object string) []RunView {
	out := []RunView{}
	for _, h := range history {
		if object != "" && h.Object != object {
			continue
		}
		v := RunView{ID: h.ID, Kind: h.Kind, Object: h.Object, Server: h.Server, Started: h.Started, Finished: h.Finished,
			Result: h.Result, FailedStep: h.FailedStep, Error: h.Error, Set: h.Set, SizeBytes: h.SizeBytes, Steps: []StepView{}}
		if !h.Finished.IsZero() && h.Finished.After(h.Started) {
			v.DurationSeconds = h.Finished.Sub(h.Started).Seconds()
		}
		for _, s := range h.Steps {
			v.Steps = append(v.Steps, StepView{Name: s.Name, State: s.State, DurationSeconds: s.Seconds, Error: s.Error})
		}
		out = append(out, v)
	}
	return out
}
