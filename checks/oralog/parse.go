package oralog

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Verdict is the outcome a log describes.
type Verdict int

// Verdicts, from best to worst.
const (
	Success Verdict = iota
	SuccessWithWarnings
	Failure
)

func (v Verdict) String() string {
	switch v {
	case Success:
		return "success"
	case SuccessWithWarnings:
		return "success with warnings"
	}
	return "failure"
}

// MarshalText makes a Verdict readable in JSON.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Message is one coded message of the log.
type Message struct {
	Code string `json:"code"` // e.g. IMP-00017
	Text string `json:"text"` // the text after the code
	Line int    `json:"line"` // 1-based line number
}

// Result is what a log says.
type Result struct {
	Verdict Verdict `json:"verdict"`
	// Reason says why the verdict is what it is, in words.
	Reason string `json:"reason"`
	// Final is the final verdict line ("" when the log has none).
	Final string `json:"final,omitempty"`
	// Codes are the distinct codes found, in order of first appearance.
	Codes []string `json:"codes,omitempty"`
	// Messages are all coded messages, in order.
	Messages []Message `json:"messages,omitempty"`
	// Rows are the rows exported or imported per table (table name without owner).
	Rows map[string]int64 `json:"rows,omitempty"`
	// Errors is N of Data Pump's "completed with N error(s)".
	Errors int `json:"errors,omitempty"`
	// Charset and NCharset are the character sets the tool reported.
	Charset  string `json:"charset,omitempty"`
	NCharset string `json:"ncharset,omitempty"`
	// ExportVersion is the exporter that made the file an import read (EXPORT:V19.00.00).
	ExportVersion string `json:"exportVersion,omitempty"`
	// Tool is the tool the log's wording says wrote it: exp, imp, expdp, impdp ("" unknown).
	Tool string `json:"tool,omitempty"`
	// Conversion quotes the first "(possible charset conversion)" line: the client's
	// NLS_LANG character set differs from the database's.
	Conversion string `json:"conversion,omitempty"`
}

// Fatal lists codes that make a run a failure even if the log ends "successfully".
var Fatal = map[string]string{
	"EXP-00000": "export terminated unsuccessfully",
	"IMP-00000": "import terminated unsuccessfully",
	"EXP-00002": "error in writing to export file",
	"EXP-00056": "ORACLE error encountered (logon)",
	"IMP-00002": "failed to open the dump file for read",
	"IMP-00009": "abnormal end of export file (truncated dump)",
	"IMP-00010": "not a valid export file, header failed verification",
	"IMP-00058": "ORACLE error encountered (logon)",
	"ORA-31626": "job does not exist",
	"ORA-39000": "bad dump file specification",
	"ORA-39001": "invalid argument value",
	"ORA-39002": "invalid operation",
}

var (
	logtimeRE = regexp.MustCompile(`^\d{2}-[A-Z]{3}-\d{2,4} \d{2}:\d{2}:\d{2}(\.\d+)?: ?`)
	codeRE    = regexp.MustCompile(`\b((?:EXP|IMP|ORA|UDE|UDI|LRM|KUP)-\d{5}):? ?(.*)`)
	expRowsRE = regexp.MustCompile(`^\. \. exporting table\s+(\S+)\s+(\d+) rows exported`)
	impRowsRE = regexp.MustCompile(`^\. \. importing table\s+"([^"]+)"\s+(\d+) rows imported`)
	dpRowsRE  = regexp.MustCompile(`^\. \. (?:exported|imported) ((?:"[^"]+"\.)?"[^"]+")(?::"[^"]+")?\s+.*?\s(\d+) rows`)
	charsetRE = regexp.MustCompile(`(?i)^(?:export|import) done in (\S+) character set and (\S+) NCHAR character set`)
	versionRE = regexp.MustCompile(`^Export file created by (EXPORT:V[\d.]+)`)
	classicRE = regexp.MustCompile(`^(?:(?:EXP|IMP)-00000: )?(Export|Import) terminated (successfully without warnings|successfully with warnings|unsuccessfully)`)
	toolRE    = []struct {
		re   *regexp.Regexp
		tool string
	}{
		{regexp.MustCompile(`^Export: Release|^Export terminated|^(?:EXP-00000: )?Export terminated|^Export done in|^About to export`), "exp"},
		{regexp.MustCompile(`^Import: Release|^(?:IMP-00000: )?Import terminated|^Export file created by|^import done in`), "imp"},
		{regexp.MustCompile(`"SYS_EXPORT_|^\. \. exported "`), "expdp"},
		{regexp.MustCompile(`"SYS_IMPORT_|^\. \. imported "`), "impdp"},
	}
	dpJobRE = regexp.MustCompile(`^Job "[^"]*"\."[^"]*" (successfully completed|completed with (\d+) error\(s\)|stopped due to fatal error)`)
)

// Parse reads a log and classifies it.
func Parse(r io.Reader) (Result, error) {
	res := Result{Rows: map[string]int64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	seen := map[string]bool{}
	final := -1 // verdict of the final line, -1 none
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r ")
		line = logtimeRE.ReplaceAllString(line, "")
		if m := codeRE.FindStringSubmatch(line); m != nil {
			res.Messages = append(res.Messages, Message{Code: m[1], Text: strings.TrimSpace(m[2]), Line: n})
			if !seen[m[1]] {
				seen[m[1]] = true
				res.Codes = append(res.Codes, m[1])
			}
		}
		if m := expRowsRE.FindStringSubmatch(line); m != nil {
			addRows(res.Rows, m[1], m[2])
		} else if m := impRowsRE.FindStringSubmatch(line); m != nil {
			addRows(res.Rows, m[1], m[2])
		} else if m := dpRowsRE.FindStringSubmatch(line); m != nil {
			name := m[1]
			if i := strings.LastIndex(name, `"."`); i >= 0 {
				name = name[i+2:]
			}
			addRows(res.Rows, strings.Trim(name, `"`), m[2])
		}
		if strings.Contains(line, "(possible charset conversion)") && res.Conversion == "" {
			res.Conversion = strings.TrimSpace(line)
		}
		if res.Tool == "" || res.Tool == "exp" || res.Tool == "imp" {
			for _, t := range toolRE {
				if t.re.MatchString(line) {
					// Data Pump banners also say "Export: Release"; a job name decides.
					if res.Tool == "" || strings.HasSuffix(t.tool, "dp") {
						res.Tool = t.tool
					}
					break
				}
			}
		}
		if m := charsetRE.FindStringSubmatch(line); m != nil {
			res.Charset, res.NCharset = m[1], m[2]
		}
		if m := versionRE.FindStringSubmatch(line); m != nil {
			res.ExportVersion = m[1]
		}
		if m := classicRE.FindStringSubmatch(line); m != nil {
			res.Final = line
			switch m[2] {
			case "successfully without warnings":
				final = int(Success)
			case "successfully with warnings":
				final = int(SuccessWithWarnings)
			default:
				final = int(Failure)
			}
		} else if m := dpJobRE.FindStringSubmatch(line); m != nil {
			res.Final = line
			switch {
			case m[1] == "successfully completed":
				final = int(Success)
			case m[2] != "":
				final = int(SuccessWithWarnings)
				res.Errors, _ = strconv.Atoi(m[2])
			default:
				final = int(Failure)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("read log: %w", err)
	}
	for _, c := range res.Codes {
		// A translated log keeps its codes: EXP- and IMP- name the classic tool.
		if res.Tool == "" && (strings.HasPrefix(c, "EXP-") || strings.HasPrefix(c, "IMP-")) {
			res.Tool = strings.ToLower(c[:3])
		}
	}
	classify(&res, final)
	return res, nil
}

func addRows(rows map[string]int64, table, n string) {
	v, err := strconv.ParseInt(n, 10, 64)
	if err == nil {
		rows[table] += v
	}
}

func classify(res *Result, final int) {
	var fatal []string
	for _, c := range res.Codes {
		switch {
		case Fatal[c] != "":
			fatal = append(fatal, c+" ("+Fatal[c]+")")
		case strings.HasPrefix(c, "UDE-"), strings.HasPrefix(c, "UDI-"), strings.HasPrefix(c, "LRM-"):
			fatal = append(fatal, c)
		}
	}
	switch {
	case final < 0:
		res.Verdict, res.Reason = Failure, "the log has no final verdict line (empty or cut off)"
	case len(fatal) > 0:
		res.Verdict, res.Reason = Failure, "fatal: "+strings.Join(fatal, ", ")
	case final == int(Failure):
		res.Verdict, res.Reason = Failure, "the tool reports failure"
	case final == int(Success) && len(res.Codes) > 0:
		res.Verdict, res.Reason = SuccessWithWarnings, "the log says no warnings but carries "+strings.Join(res.Codes, ", ")
	case final == int(SuccessWithWarnings) && res.Errors > 0:
		res.Verdict, res.Reason = SuccessWithWarnings, fmt.Sprintf("the job completed with %d error(s)", res.Errors)
	case final == int(SuccessWithWarnings):
		res.Verdict, res.Reason = SuccessWithWarnings, "the tool reports warnings"
	default:
		res.Verdict, res.Reason = Success, "the tool reports success without warnings"
	}
}

// Decisive is the one message of r that says best why a run failed, as "CODE: text": the
// first ORA- message (the database's own words, e.g. ORA-01017 or ORA-01653), else the
// first fatal EXP-/IMP- message, else the first message; "" when r has none.
func Decisive(r Result) string {
	for _, m := range r.Messages {
		if strings.HasPrefix(m.Code, "ORA-") {
			return m.Code + ": " + m.Text
		}
	}
	for _, m := range r.Messages {
		if _, ok := Fatal[m.Code]; ok && m.Code != "EXP-00000" && m.Code != "IMP-00000" {
			return m.Code + ": " + m.Text
		}
	}
	if len(r.Messages) > 0 {
		return r.Messages[0].Code + ": " + r.Messages[0].Text
	}
	return ""
}
