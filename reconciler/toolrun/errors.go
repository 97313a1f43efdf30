package toolrun

import (
	"errors"
	"fmt"
	"strings"
)

// ErrTimeout is returned (wrapped) when Cmd.Timeout expired before the program finished.
var ErrTimeout = errors.New("timed out")

// ExitError reports a program that ran to its end with a non-zero exit status, or that was
// killed by a signal (Code -1).
type ExitError struct {
	// Code is the exit status; -1 when the program was ended by a signal.
	Code int
}

func (e *ExitError) Error() string {
	if e.Code < 0 {
		return "ended by a signal"
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// tailText renders the masked tail for an error message.
func tailText(tail []string) string {
	if len(tail) == 0 {
		return "no output"
	}
	return "last output: " + strings.Join(tail, " | ")
}
