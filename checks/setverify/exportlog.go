package setverify

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Verdict is the final word of an export log.
type Verdict struct {
	OK   bool
	Tool string // exp or expdp, from the line's wording
	Line string
}

var (
	logtimePrefix = regexp.MustCompile(`^\d{2}-[A-Z]{3}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?: `)
	expOK         = regexp.MustCompile(`^Export terminated successfully (without|with) warnings\.?$`)
	expFail       = regexp.MustCompile(`^(EXP-\d+: )?Export terminated unsuccessfully`)
	dpOK          = regexp.MustCompile(`^Job "[^"]+"\."[^"]+" successfully completed at `)
	dpFail        = regexp.MustCompile(`^Job "[^"]+"\."[^"]+" (completed with \d+ error|stopped due to fatal error)`)
)

// logTail is how much of the end of a log is read to find its last line.
const logTail = 64 << 10

// ClassifyLogLine reads the verdict in a log's last line; ok reports whether it is a verdict.
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

// checkLog checks the export log ends with a successful verdict from the expected tool.
func checkLog(path, tool string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return []string{err.Error()}
	}
	off := max(st.Size()-logTail, 0)
	tail := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(tail, off); err != nil && err != io.EOF {
		return []string{err.Error()}
	}
	lines := bytes.Split(bytes.TrimRight(tail, "\r\n\t "), []byte("\n"))
	last := strings.TrimSpace(string(lines[len(lines)-1]))
	v, ok := ClassifyLogLine(last)
	switch {
	case !ok:
		return []string{fmt.Sprintf("no final verdict (log truncated?): last line %q", last)}
	case !v.OK:
		return []string{"export failed: " + v.Line}
	case tool != "" && v.Tool != tool:
		return []string{fmt.Sprintf("log is from %s, the set's dump tool is %s", v.Tool, tool)}
	}
	return nil
}
