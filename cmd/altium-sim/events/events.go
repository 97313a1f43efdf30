package events

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Record is one line of events.jsonl.
type Record struct {
	Phase          string   `json:"phase"` // start or end
	Tool           string   `json:"tool"`
	Argv           []string `json:"argv"`
	Start          string   `json:"start"`             // RFC3339Nano wall clock
	End            string   `json:"end,omitempty"`     // RFC3339Nano wall clock
	StartMono      int64    `json:"startMono"`         // ns since the host's epoch
	EndMono        int64    `json:"endMono,omitempty"` // ns since the host's epoch
	Exit           *int     `json:"exit,omitempty"`    // on end records
	PasswordInArgv bool     `json:"passwordInArgv"`    // a known password appeared in argv
	Pid            int      `json:"pid"`               // the tool's process id
	Faults         string   `json:"faults,omitempty"`  // the faults applied, if any
	// ProcStartMono is when the tool's process started (exec and runtime start included),
	// ns since the host's epoch, from the OS's 10 ms clock ticks; end records only, 0 where
	// it is not read.
	ProcStartMono int64 `json:"procStartMono,omitempty"`
}

// Call is a tool call being recorded.
type Call struct {
	path  string
	epoch int64
	mono  func() int64
	rec   Record
}

// Begin writes the start record of a call. path is events.jsonl, epochPath the file
// holding the monotonic epoch, mono the monotonic clock, secrets the known passwords.
func Begin(path, epochPath string, mono func() int64, tool string, argv, secrets []string) (*Call, error) {
	return BeginFaults(path, epochPath, mono, tool, argv, secrets, "")
}

// BeginFaults is Begin with the faults applied to the call already in the start record,
// so a test sees a held call (hangUntil) while it is held.
func BeginFaults(path, epochPath string, mono func() int64, tool string, argv, secrets []string, faults string) (*Call, error) {
	var epoch int64
	if raw, err := os.ReadFile(epochPath); err == nil {
		epoch, _ = strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
	}
	masked, leaked := Mask(argv, secrets)
	c := &Call{path: path, epoch: epoch, mono: mono, rec: Record{
		Phase: "start", Tool: tool, Argv: masked, Start: time.Now().Format(time.RFC3339Nano),
		StartMono: mono() - epoch, PasswordInArgv: leaked, Pid: os.Getpid(), Faults: faults,
	}}
	return c, c.write()
}

// SetProcStart notes when the tool's process started (on the mono clock), for the end
// record.
func (c *Call) SetProcStart(mono int64) { c.rec.ProcStartMono = mono - c.epoch }

// SetFaults notes the faults applied to the call, for the end record.
func (c *Call) SetFaults(desc string) { c.rec.Faults = desc }

// End writes the end record with the exit code.
func (c *Call) End(exit int) error {
	c.rec.Phase = "end"
	c.rec.End = time.Now().Format(time.RFC3339Nano)
	c.rec.EndMono = c.mono() - c.epoch
	c.rec.Exit = &exit
	return c.write()
}

func (c *Call) write() error {
	line, err := json.Marshal(c.rec)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open events %q: %w", c.path, err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("append to events %q: %w", c.path, err)
	}
	return f.Close()
}

// Mask returns argv with every known secret replaced by ***, and whether any secret
// appeared. A secret counts where it stands as a whole value: the whole argument, the
// value of key=value, or the password of a USER/PASSWORD[@SERVICE] connect string
// (also inside key=value). Path segments that merely equal a password do not count.
func Mask(argv, secrets []string) ([]string, bool) {
	out := make([]string, len(argv))
	leaked := false
	for i, a := range argv {
		m, hit := maskArg(a, secrets)
		out[i] = m
		leaked = leaked || hit
	}
	return out, leaked
}

func maskArg(a string, secrets []string) (string, bool) {
	if isSecret(a, secrets) {
		return "***", true
	}
	prefix, val := "", a
	if k, v, ok := strings.Cut(a, "="); ok && !strings.ContainsAny(k, `/\ `) {
		if isSecret(v, secrets) {
			return k + "=***", true
		}
		prefix, val = k+"=", v
	}
	user, rest, ok := strings.Cut(val, "/")
	if !ok || user == "" || strings.ContainsAny(user, `\:`) {
		return a, false
	}
	pw, svc, hasSvc := strings.Cut(rest, "@")
	if strings.ContainsAny(pw, `/\`) || !isSecret(pw, secrets) {
		return a, false
	}
	masked := prefix + user + "/***"
	if hasSvc {
		masked += "@" + svc
	}
	return masked, true
}

func isSecret(s string, secrets []string) bool {
	s = strings.Trim(s, `"'`)
	for _, sec := range secrets {
		if sec != "" && s == sec {
			return true
		}
	}
	return false
}
