package faults

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// Fault is what may go wrong with one tool.
type Fault struct {
	Exit          *int   `json:"exit,omitempty"`
	Hang          bool   `json:"hang,omitempty"`
	HangUntil     string `json:"hangUntil,omitempty"`
	Slow          string `json:"slow,omitempty"` // a Go duration
	PartialOutput bool   `json:"partialOutput,omitempty"`
	CorruptZip    bool   `json:"corruptZip,omitempty"`
	TruncateDump  bool   `json:"truncateDump,omitempty"`
	DiskFull      bool   `json:"diskFull,omitempty"`
	Garbage       bool   `json:"garbage,omitempty"`
	Sessions      int    `json:"sessions,omitempty"`
	Count         *int   `json:"count,omitempty"`
	// Match restricts the fault to calls whose argv (joined by spaces) or stdin contains
	// it, case-insensitively: `sqlplus: {match: "DROP USER", hangUntil: F}` holds only the
	// call that drops the user, `net: {match: start, ...}` only `net start`.
	Match string `json:"match,omitempty"`
	// Skip lets that many matching calls pass unharmed before the fault applies (file
	// entries only; decremented like count).
	Skip int `json:"skip,omitempty"`
}

// Matches reports whether the fault applies to a call with input (its argv joined by
// spaces, a newline, and its stdin when the fault has a Match).
func (f Fault) Matches(input string) bool {
	return f.Match == "" || strings.Contains(strings.ToUpper(input), strings.ToUpper(f.Match))
}

// Zero reports whether the fault injects nothing.
func (f Fault) Zero() bool {
	return f.Exit == nil && !f.Hang && f.HangUntil == "" && f.Slow == "" && !f.PartialOutput &&
		!f.CorruptZip && !f.TruncateDump && !f.DiskFull && !f.Garbage && f.Sessions == 0
}

// SlowFor returns the slow duration (0 if none or invalid).
func (f Fault) SlowFor() time.Duration {
	d, _ := time.ParseDuration(f.Slow)
	return d
}

// String describes the fault for the events log.
func (f Fault) String() string {
	var parts []string
	if f.Exit != nil {
		parts = append(parts, fmt.Sprintf("exit=%d", *f.Exit))
	}
	for _, kv := range []struct {
		on   bool
		name string
	}{{f.Hang, "hang"}, {f.HangUntil != "", "hangUntil"}, {f.Slow != "", "slow"}, {f.PartialOutput, "partialOutput"},
		{f.CorruptZip, "corruptZip"}, {f.TruncateDump, "truncateDump"}, {f.DiskFull, "diskFull"}, {f.Garbage, "garbage"},
		{f.Sessions > 0, "sessions"}} {
		if kv.on {
			parts = append(parts, kv.name)
		}
	}
	return strings.Join(parts, ",")
}

// EnvName returns the environment variable for tool: ALTIUM_SIM_FAULT_EXP.
func EnvName(tool string) string { return "ALTIUM_SIM_FAULT_" + strings.ToUpper(tool) }

// Read parses a faults file (a missing file means no faults).
func Read(path string) (map[string]Fault, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Fault{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read faults %q: %w", path, err)
	}
	m := map[string]Fault{}
	if err := yaml.UnmarshalStrict(raw, &m); err != nil {
		return nil, fmt.Errorf("parse faults %q: %w", path, err)
	}
	if m == nil {
		m = map[string]Fault{}
	}
	return m, nil
}

// Write saves a faults file (keys sorted), replacing it atomically.
func Write(path string, m map[string]Fault) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		raw, err := yaml.Marshal(map[string]Fault{k: m[k]})
		if err != nil {
			return fmt.Errorf("encode fault %q: %w", k, err)
		}
		b.Write(raw)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write faults %q: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace faults %q: %w", path, err)
	}
	return nil
}

// Take returns the fault for tool from the environment or the file at path, consuming
// one use of a counted file entry. Call it under the host lock. A fault with a Match
// never applies here: use TakeFor with the call's input.
func Take(path, tool string) (Fault, error) { return TakeFor(path, tool, "") }

// TakeFor is Take for a call with input (see Fault.Matches): a fault whose Match the
// input lacks is neither applied nor consumed; a matching file entry with Skip left lets
// the call pass and counts it down.
func TakeFor(path, tool, input string) (Fault, error) {
	if env := os.Getenv(EnvName(tool)); env != "" {
		var f Fault
		if err := yaml.UnmarshalStrict([]byte(env), &f); err != nil {
			return Fault{}, fmt.Errorf("parse %s=%q: %w", EnvName(tool), env, err)
		}
		if !f.Matches(input) {
			return Fault{}, nil
		}
		return f, nil
	}
	m, err := Read(path)
	if err != nil {
		return Fault{}, err
	}
	f, ok := m[tool]
	if !ok || !f.Matches(input) {
		return Fault{}, nil
	}
	if f.Skip > 0 {
		g := f
		g.Skip--
		m[tool] = g
		return Fault{}, Write(path, m)
	}
	if f.Count == nil {
		return f, nil
	}
	if *f.Count <= 0 {
		return Fault{}, nil
	}
	left := *f.Count - 1
	if left == 0 {
		delete(m, tool)
	} else {
		g := f
		g.Count = &left
		m[tool] = g
	}
	return f, Write(path, m)
}

// Peek returns the fault for tool without consuming it (environment first).
func Peek(path, tool string) (Fault, error) {
	if env := os.Getenv(EnvName(tool)); env != "" {
		var f Fault
		if err := yaml.UnmarshalStrict([]byte(env), &f); err != nil {
			return Fault{}, fmt.Errorf("parse %s=%q: %w", EnvName(tool), env, err)
		}
		return f, nil
	}
	m, err := Read(path)
	if err != nil {
		return Fault{}, err
	}
	f := m[tool]
	if f.Count != nil && *f.Count <= 0 {
		return Fault{}, nil
	}
	return f, nil
}
