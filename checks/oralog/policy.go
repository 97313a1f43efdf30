package oralog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrRejected is wrapped by Policy.Check when a log does not pass.
var ErrRejected = errors.New("dump log rejected")

// DefaultAccepted are the codes a run may carry and still count as good, by default:
// compilation warnings (IMP-00041 classic, ORA-39082 Data Pump: routine for Altium
// schemas, whose views are exported before what they depend on), and the two Data Pump
// errors Oracle's Zero Downtime Migration ignores by default, ORA-39111 (dependent object
// skipped, base object already exists) and ORA-31684 (object already exists: the restore
// creates the user before impdp, as the seeds do).
var DefaultAccepted = []string{"IMP-00041", "ORA-39082", "ORA-39111", "ORA-31684"}

// Policy decides which codes a good run may carry. The zero Policy accepts
// DefaultAccepted; Accept extends it (spec.oracle.acceptWarnings).
type Policy struct {
	Accept []string
}

// Decision verdicts (inspect oralog's "verdict").
const (
	VerdictSuccess = "success"
	VerdictWarning = "warning"
	VerdictFailure = "failure"
	VerdictUnknown = "unknown"
)

// Decision is a policy's reading of a classified log.
type Decision struct {
	Tool string `json:"tool"`
	// Verdict is success, warning (the tool finished, with warnings or errors), failure
	// or unknown (no final line recognised: cut off, or translated).
	Verdict string `json:"verdict"`
	// Accepted is the policy's decision: the run counts as good.
	Accepted bool `json:"accepted"`
	// Codes are the distinct codes in the log, in order of first appearance.
	Codes []string `json:"codes"`
	// Reasons quote the decisive text, one line each.
	Reasons []string `json:"reasons"`
	// Warnings are what a run that passes records: the accepted codes it carried, and
	// "possible charset conversion" on import.
	Warnings []string `json:"warnings,omitempty"`
}

func (p Policy) accepted(code string) bool {
	for _, a := range append(DefaultAccepted, p.Accept...) {
		if strings.EqualFold(strings.TrimSpace(a), code) {
			return true
		}
	}
	return false
}

// Decide reads r under the policy. tool ("exp", "imp", "expdp", "impdp") overrides the
// tool the log's wording suggests ("" keeps it). The verdict never rests on the English
// final line alone: codes decide failures whatever the last line says, and a log whose
// final line is not recognised (translated messages, a log cut off) is unknown, which is
// never accepted.
func (p Policy) Decide(r Result, tool string) Decision {
	if tool == "" {
		tool = r.Tool
	}
	d := Decision{Tool: tool, Codes: append([]string{}, r.Codes...), Reasons: []string{}}
	export := tool == "exp" || tool == "expdp"
	switch {
	case r.Verdict == Failure && r.Final != "":
		d.Verdict = VerdictFailure
		d.Reasons = append(d.Reasons, r.Reason+": "+r.Final)
	case r.Verdict == Failure && strings.HasPrefix(r.Reason, "fatal"):
		d.Verdict = VerdictFailure
		d.Reasons = append(d.Reasons, r.Reason)
	case r.Final == "":
		d.Verdict = VerdictUnknown
		d.Reasons = append(d.Reasons, "no final line recognised: the log is cut off, or translated (run the tools with NLS_LANG=AMERICAN_AMERICA.<database character set>)")
	case r.Verdict == Success:
		d.Verdict = VerdictSuccess
	default:
		d.Verdict = VerdictWarning
	}
	if r.Final != "" && d.Verdict != VerdictFailure {
		d.Reasons = append(d.Reasons, "final line: "+r.Final)
	}
	var unaccepted []string
	explained := 0
	counts := map[string]int{}
	for _, m := range r.Messages {
		counts[m.Code]++
	}
	for _, c := range r.Codes {
		if p.accepted(c) {
			explained += counts[c]
			d.Warnings = append(d.Warnings, c)
		} else {
			unaccepted = append(unaccepted, c)
		}
	}
	ok := d.Verdict == VerdictSuccess || d.Verdict == VerdictWarning
	if len(unaccepted) > 0 {
		ok = false
		d.Reasons = append(d.Reasons, "not accepted: "+strings.Join(unaccepted, ", ")+quote(r, unaccepted[0]))
	}
	if r.Errors > explained {
		ok = false
		d.Reasons = append(d.Reasons, fmt.Sprintf("the job completed with %d error(s), %d explained by accepted codes: %d unexplained", r.Errors, explained, r.Errors-explained))
	}
	if d.Verdict == VerdictWarning && len(r.Codes) == 0 && r.Errors == 0 {
		ok = false
		d.Reasons = append(d.Reasons, "the tool reports warnings that no code in the log explains")
	}
	if r.Conversion != "" {
		if export {
			ok = false
			if d.Verdict == VerdictSuccess {
				d.Verdict = VerdictWarning
			}
			d.Reasons = append(d.Reasons, "export with a client character set other than the database's: \""+r.Conversion+"\"")
		} else {
			d.Warnings = append(d.Warnings, "possible charset conversion")
			if d.Verdict == VerdictSuccess {
				d.Verdict = VerdictWarning
			}
			d.Reasons = append(d.Reasons, "warning: \""+r.Conversion+"\"")
		}
	}
	d.Accepted = ok
	sort.Strings(d.Warnings)
	return d
}

func quote(r Result, code string) string {
	for _, m := range r.Messages {
		if m.Code == code {
			return fmt.Sprintf(" (line %d: \"%s: %s\")", m.Line, m.Code, m.Text)
		}
	}
	return ""
}

// Check returns nil when r passes the policy for tool, else an error wrapping ErrRejected
// naming every reason. Warnings are what to record: the codes the run carried (accepted
// ones, when it passes) and "possible charset conversion" on import.
func (p Policy) Check(r Result, tool string) (warnings []string, err error) {
	d := p.Decide(r, tool)
	if !d.Accepted {
		return r.Codes, fmt.Errorf("%w: %s: %s", ErrRejected, d.Verdict, strings.Join(d.Reasons, "; "))
	}
	return d.Warnings, nil
}
