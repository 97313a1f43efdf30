package outcome

import (
	"errors"
	"fmt"
	"time"
)

// StalledError means a person must change something (a manifest, a file on the host)
// before retrying can help. Reason is a short CamelCase word for conditions and metrics.
type StalledError struct {
	Reason string
	Err    error
}

func (e *StalledError) Error() string { return e.Err.Error() }
func (e *StalledError) Unwrap() error { return e.Err }

// WaitingError means the work cannot be done now but can at Until.
type WaitingError struct {
	Reason string
	Until  time.Time
	Err    error
}

func (e *WaitingError) Error() string { return e.Err.Error() }
func (e *WaitingError) Unwrap() error { return e.Err }

// Stalled wraps err as needing a person. err's message should say what to change.
func Stalled(reason string, err error) error { return &StalledError{Reason: reason, Err: err} }

// Stalledf is Stalled with a formatted message.
func Stalledf(reason, format string, args ...any) error {
	return Stalled(reason, fmt.Errorf(format, args...))
}

// Waiting wraps err as retryable at until.
func Waiting(reason string, until time.Time, err error) error {
	return &WaitingError{Reason: reason, Until: until, Err: err}
}

// Kind names an error's class: "stalled", "waiting", "transient", or "" for nil.
func Kind(err error) string {
	var s *StalledError
	var w *WaitingError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &s):
		return "stalled"
	case errors.As(err, &w):
		return "waiting"
	default:
		return "transient"
	}
}

// Reason returns the reason of a stalled or waiting error, "Failed" for transient ones.
func Reason(err error) string {
	var s *StalledError
	var w *WaitingError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &s):
		return s.Reason
	case errors.As(err, &w):
		return w.Reason
	default:
		return "Failed"
	}
}

// Backoff is capped exponential backoff for transient errors.
type Backoff struct {
	Base, Max time.Duration
}

// DefaultBackoff starts at 30 s and doubles up to 30 min.
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: 30 * time.Minute}

// Delay is the wait before retry number failures (1 for the first failure).
func (b Backoff) Delay(failures int) time.Duration {
	if failures < 1 {
		return 0
	}
	d := b.Base
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= b.Max || d <= 0 {
			return b.Max
		}
	}
	return min(d, b.Max)
}

// RetryAt says when to try again after err, given the number of consecutive failures so far
// (including this one). Stalled errors return the zero time: do not retry by yourself.
func RetryAt(err error, failures int, now time.Time, b Backoff) time.Time {
	var s *StalledError
	var w *WaitingError
	switch {
	case err == nil:
		return time.Time{}
	case errors.As(err, &s):
		return time.Time{}
	case errors.As(err, &w):
		return w.Until
	default:
		return now.Add(b.Delay(failures))
	}
}
