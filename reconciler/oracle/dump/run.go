package dump

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// Runner says how the tools run.
type Runner struct {
	// Program is the tool's path (default: the tool name, found on PATH).
	Program string
	// Windows selects Windows exit codes (default: the agent's own OS).
	Windows *bool
	// Env is added to the tool's environment (ORACLE_HOME, TNS_ADMIN, NLS_LANG).
	Env []string
	// Timeout limits the run (0: only ctx).
	Timeout time.Duration
	// Log receives the tool's output lines, masked.
	Log *slog.Logger
	// Output receives the tool's output lines, masked (the run log).
	Output io.Writer
	// Policy decides which codes a good run may carry (zero: oralog.DefaultAccepted).
	Policy oralog.Policy
	// LogDir is where a Data Pump log can be read on this host (the folder the DIRECTORY
	// object points at). Empty: the tool's screen output is classified instead.
	LogDir string
	// ParfileDir holds the parfiles while the tool runs (ParfileDir of the state dir);
	// empty: the system's temporary folder.
	ParfileDir string
}

// Outcome is what a run did.
type Outcome struct {
	Tool     Tool
	ExitCode int
	Exit     ExitClass
	Duration time.Duration
	// Log is the classified log; Log.Verdict is the verdict of the run after combining
	// it with the exit status.
	Log oralog.Result
	// LogSource is the file classified, or "screen output".
	LogSource string
	// Warnings are the codes the run carried that the policy let pass.
	Warnings []string
}

// maxScreen bounds the screen output kept for classification.
const maxScreen = 32 << 20

type capped struct{ bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if c.Len() < maxScreen {
		c.Buffer.Write(p[:min(len(p), maxScreen-c.Len())])
	}
	return len(p), nil
}

// Run runs job. It returns an error when the tool could not run, was cancelled or
// timed out, or when the verdict does not pass the policy (wrapping
// oralog.ErrRejected). The Outcome is filled as far as the run got, also on error.
func (r Runner) Run(ctx context.Context, job Job) (Outcome, error) {
	out := Outcome{Tool: job.Tool, ExitCode: -1, Exit: ExitUnknown}
	params, err := job.Params()
	if err != nil {
		return out, err
	}
	userid, err := job.userid()
	if err != nil {
		return out, err
	}
	pf, cleanup, err := parfile(r.ParfileDir, append([]string{userid}, params...))
	if err != nil {
		return out, fmt.Errorf("%s: %w", job.Tool, err)
	}
	defer cleanup()
	prog := r.Program
	if prog == "" {
		prog = string(job.Tool)
	}
	windows := runtime.GOOS == "windows"
	if r.Windows != nil {
		windows = *r.Windows
	}
	screen := &capped{}
	var w io.Writer = screen
	if r.Output != nil {
		w = io.MultiWriter(screen, r.Output)
	}
	res, runErr := toolrun.Run(ctx, toolrun.Cmd{
		Name: string(job.Tool), Argv: []string{prog, "parfile=" + pf}, Env: r.Env,
		Timeout: r.Timeout, Mask: []string{job.Password, userid}, Log: r.Log, Output: w,
	})
	out.ExitCode, out.Duration = res.ExitCode, res.Duration
	var ee *toolrun.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		// Did not start, timed out or was cancelled: no verdict to read.
		out.Log = oralog.Result{Verdict: oralog.Failure, Reason: runErr.Error()}
		return out, fmt.Errorf("%s: %w", job.Tool, runErr)
	}
	out.Exit = ClassifyExit(job.Tool, res.ExitCode, windows)
	logPath := job.LogFile
	if job.Tool.DataPump() {
		logPath = ""
		if r.LogDir != "" {
			logPath = filepath.Join(r.LogDir, job.LogFile)
		}
	}
	out.Log, out.LogSource = r.classify(logPath, screen.String())
	combine(&out)
	warnings, perr := r.Policy.Check(out.Log, string(job.Tool))
	out.Warnings = warnings
	if perr != nil {
		return out, fmt.Errorf("%s (exit %d, %s; log %s): %w", job.Tool, out.ExitCode, out.Exit, out.LogSource, perr)
	}
	return out, nil
}

// classify reads the log file, falling back to the screen output when the file is not
// readable here. A missing log file is itself reported.
func (r Runner) classify(path, screen string) (oralog.Result, string) {
	if path != "" {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			res, err := oralog.Parse(f)
			if err == nil {
				return res, path
			}
		}
		res, _ := oralog.Parse(strings.NewReader(screen))
		if res.Verdict != oralog.Failure {
			res.Verdict = oralog.SuccessWithWarnings
		}
		res.Reason = fmt.Sprintf("log file %s unreadable (%v); screen output says: %s", path, err, res.Reason)
		return res, "screen output"
	}
	res, _ := oralog.Parse(strings.NewReader(screen))
	return res, "screen output"
}

// combine makes the verdict the worse of the log's and the exit status's.
func combine(o *Outcome) {
	var fromExit oralog.Verdict
	switch o.Exit {
	case ExitSuccess:
		fromExit = oralog.Success
	case ExitWarnings, ExitCompletedWithErrors:
		fromExit = oralog.SuccessWithWarnings
	default:
		fromExit = oralog.Failure
	}
	if fromExit > o.Log.Verdict {
		o.Log.Reason = fmt.Sprintf("exit status %d (%s) overrides a log that says %s: %s", o.ExitCode, o.Exit, o.Log.Verdict, o.Log.Reason)
		o.Log.Verdict = fromExit
	}
}
