package toolrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// DefaultWaitDelay is how long Run waits, after the program exited or was killed, for its
// output pipes to close (a grandchild may hold them) before closing them itself.
const DefaultWaitDelay = 5 * time.Second

// Cmd is one program to run.
type Cmd struct {
	// Name is the tool name used in logs and errors (default: the base name of Argv[0]).
	Name string
	// Argv is required: the program (a path, or a name looked up on PATH) and its arguments.
	// Never put a secret here.
	Argv []string
	// Dir is optional: the working folder (default: the current one).
	Dir string
	// Env is optional: entries KEY=VALUE added to the inherited environment (later wins).
	Env []string
	// Stdin is optional: the program's standard input (default: empty).
	Stdin io.Reader
	// Timeout is optional: limit for this run on top of the context (0: none).
	Timeout time.Duration
	// Mask lists secrets replaced by "***" in every logged line, in Output, in Tail and in errors.
	Mask []string
	// Log is optional: receives each output line with attributes tool and stream.
	Log *slog.Logger
	// Level is the level output lines are logged at (default Info).
	Level slog.Level
	// Output is optional: receives each masked output line (stdout and stderr interleaved
	// by line), newline-terminated.
	Output io.Writer
	// WaitDelay is optional (default DefaultWaitDelay); see exec.Cmd.WaitDelay.
	WaitDelay time.Duration
}

// Result describes a finished run.
type Result struct {
	// ExitCode is the exit status; -1 when the program did not start or was killed (a signal,
	// the timeout, a cancellation).
	ExitCode int
	// Duration is the wall time from start to end.
	Duration time.Duration
	// Tail is the last lines of output (masked, bounded), for error messages.
	Tail []string
}

// Run runs c and waits for it. It returns an error wrapping *ExitError for a non-zero exit,
// ErrTimeout when c.Timeout expired, the context's error when ctx ended first, or the
// start failure. The error text names the tool and carries the masked tail of its output.
func Run(ctx context.Context, c Cmd) (Result, error) {
	res := Result{ExitCode: -1}
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return res, errors.New("toolrun: empty argv")
	}
	tool := c.Name
	if tool == "" {
		tool = filepath.Base(c.Argv[0])
	}
	runCtx := ctx
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, c.Timeout, ErrTimeout)
		defer cancel()
	}
	cmd := exec.CommandContext(runCtx, c.Argv[0], c.Argv[1:]...)
	cmd.Dir = c.Dir
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	cmd.Stdin = c.Stdin
	s := newSink(c, tool)
	stdout := &lineWriter{s: s, stream: "stdout"}
	stderr := &lineWriter{s: s, stream: "stderr"}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	setProcessGroup(cmd)
	cmd.WaitDelay = c.WaitDelay
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = DefaultWaitDelay
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.Duration = time.Since(start)
		return res, fmt.Errorf("start %s (%s): %w", tool, Redact(c.Argv[0], s.mask...), err)
	}
	afterStart(cmd)
	if c.Log != nil {
		c.Log.Debug("started", "tool", tool, "pid", cmd.Process.Pid)
	}
	werr := cmd.Wait()
	afterWait(cmd)
	res.Duration = time.Since(start)
	stdout.flush()
	stderr.flush()
	res.Tail = s.Tail()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	if werr != nil && runCtx.Err() != nil {
		// Killed at the timeout or on cancellation: -1 everywhere (Windows would report the
		// code TerminateJobObject was given, Unix none).
		res.ExitCode = -1
	}
	if werr == nil {
		if s.outErr != nil {
			return res, fmt.Errorf("%s: write output: %w", tool, s.outErr)
		}
		return res, nil
	}
	took := res.Duration.Round(time.Millisecond)
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s after %s: %w (%s)", tool, took, ctx.Err(), tailText(res.Tail))
	case runCtx.Err() != nil:
		return res, fmt.Errorf("%s after %s (limit %s): %w (%s)", tool, took, c.Timeout, ErrTimeout, tailText(res.Tail))
	}
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		return res, fmt.Errorf("%s: %w (%s)", tool, &ExitError{Code: res.ExitCode}, tailText(res.Tail))
	}
	if errors.Is(werr, exec.ErrWaitDelay) {
		// The program exited 0 but something it started kept the output open.
		return res, fmt.Errorf("%s: output still open %s after exit: %w", tool, cmd.WaitDelay, werr)
	}
	return res, fmt.Errorf("%s: %w (%s)", tool, werr, tailText(res.Tail))
}
