package setverify

import (
	"regexp"
	"strings"
)

// Verdict is what one final line of an export log says.
type Verdict struct {
	OK   bool
	Tool string // exp or expdp, from the line's wording
	Line string // the line without its LOGTIME prefix
}

var (
	logtimePrefix = regexp.MustCompile(`^\d{2}-[A-Z]{3}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?: `)
	expOK         = regexp.MustCompile(`^Export terminated successfully (without|with) warnings\.?$`)
	expFail       = regexp.MustCompile(`^(EXP-\d+: )?Export terminated unsuccessfully`)
	dpOK          = regexp.MustCompile(`^Job "[^"]+"\."[^"]+" successfully completed at `)
	dpFail        = regexp.MustCompile(`^Job "[^"]+"\."[^"]+" (completed with \d+ error|stopped due to fatal error)`)
)

// ClassifyLogLine reads an export verdict line (exp or expdp, LOGTIME prefix allowed); ok
// reports whether line is one. It looks at one line only: to classify a whole log, with its
// codes and fatal messages, use checks/oralog, as Verify does.
func ClassifyLogLine(line string) (v Verdict, ok bool) {
	line = strings.TrimSpace(logtimePrefix.ReplaceAllString(strings.TrimSpace(line), ""))
	switch {
	case expOK.MatchString(line):
		return Verdict{OK: true, Tool: "exp", Line: line}, true
	case expFail.MatchString(line):
		return Verdict{OK: false, Tool: "exp", Line: line}, true
	case dpOK.MatchString(line):
		return Verdict{OK: true, Tool: "expdp", Line: line}, true
	case dpFail.MatchString(line):
		return Verdict{OK: false, Tool: "expdp", Line: line}, true
	}
	return Verdict{Line: line}, false
}
