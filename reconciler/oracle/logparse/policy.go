package logparse

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRejected is wrapped by Policy.Check when a log does not pass.
var ErrRejected = errors.New("dump log rejected")

// Policy decides which warnings may pass. The zero Policy lets none pass.
type Policy struct {
	// Allow lists codes (e.g. "ORA-39082") that may appear in a run that still counts as
	// good. Every other code fails it. Fatal verdicts fail whatever Allow says.
	Allow []string
}

// Check returns nil when the result passes, else an error wrapping ErrRejected that
// names the reason and the codes not allowed. Warnings are the codes the result carried
// (allowed ones included), for recording.
func (p Policy) Check(r Result) (warnings []string, err error) {
	if r.Verdict == Failure {
		return r.Codes, fmt.Errorf("%w: %s: %s", ErrRejected, r.Verdict, r.Reason)
	}
	var bad []string
	for _, c := range r.Codes {
		if !p.allowed(c) {
			bad = append(bad, c)
		}
	}
	if r.Verdict == SuccessWithWarnings && len(r.Codes) == 0 && len(p.Allow) == 0 {
		return nil, fmt.Errorf("%w: %s without any code in the log (%s)", ErrRejected, r.Verdict, r.Reason)
	}
	if len(bad) > 0 {
		return r.Codes, fmt.Errorf("%w: %s: %s not allowed by the warning policy", ErrRejected, r.Reason, strings.Join(bad, ", "))
	}
	return r.Codes, nil
}

func (p Policy) allowed(code string) bool {
	for _, a := range p.Allow {
		if strings.EqualFold(strings.TrimSpace(a), code) {
			return true
		}
	}
	return false
}
