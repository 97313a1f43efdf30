package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// IIS stops and starts the web front end.
type IIS struct {
	StopArgv, StartArgv []string
	Timeout             time.Duration
	Log                 *slog.Logger
	Output              io.Writer
	// State, when set, is checked after a stop: IIS must really be stopped (within
	// Timeout) before the runbook goes on.
	State IISState
}

// stopGrace is how long IIS may still report running after its stop command succeeded.
const stopGrace = 15 * time.Second

// `net` answers 2 with these help message numbers when there is nothing to do.
const (
	netAlreadyStarted = "NET HELPMSG 2182" // The requested service has already been started.
	netNotStarted     = "NET HELPMSG 3521" // The … service is not started.
)

// Stop stops IIS and, with State, confirms it no longer runs. A service that is already
// stopped is not an error.
func (i IIS) Stop(ctx context.Context) error {
	if err := i.run(ctx, "stop-iis", i.StopArgv, netNotStarted); err != nil {
		return err
	}
	if i.State == nil {
		return nil
	}
	// `net stop` returns once the services stopped; the grace only covers a state that is
	// reported a moment late.
	limit := stopGrace
	if i.Timeout > 0 && i.Timeout < limit {
		limit = i.Timeout
	}
	return waitStopped(ctx, i.State, limit)
}

// Start starts IIS. A service that is already running is not an error.
func (i IIS) Start(ctx context.Context) error {
	return i.run(ctx, "start-iis", i.StartArgv, netAlreadyStarted)
}

func (i IIS) run(ctx context.Context, name string, argv []string, benign string) error {
	res, err := toolrun.Run(ctx, toolrun.Cmd{Name: name, Argv: argv, Timeout: i.Timeout, Log: toolLog(i.Log, i.Output), Level: slog.LevelDebug, Output: i.Output})
	var ee *toolrun.ExitError
	if err != nil && errors.As(err, &ee) && tailHas(res.Tail, benign) {
		if i.Log != nil {
			i.Log.Info("nothing to do", "tool", name, "argv", strings.Join(argv, " "))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s (%s): %w", name, strings.Join(argv, " "), err)
	}
	return nil
}

func tailHas(tail []string, s string) bool {
	for _, l := range tail {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
