//go:build windows

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	"unsafe"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/state/secdir"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// serviceWait bounds how long start and stop wait for the service to reach its state.
func serviceWait(o *runOptions) time.Duration { return o.shutdown + 30*time.Second }

func serviceAction(cmd *cobra.Command, action string, o *runOptions) error {
	out := cmd.OutOrStdout()
	m, err := mgr.Connect()
	if err != nil {
		return failf("service manager: %w (run as Administrator)", err)
	}
	defer m.Disconnect()
	switch action {
	case "install":
		return serviceInstall(cmd, m, o)
	case "uninstall", "start", "stop":
	default:
		return usageErr(fmt.Errorf("service %q: install, uninstall, start or stop", action))
	}
	s, err := m.OpenService(serviceName)
	if errors.Is(err, windows.ERROR_SERVICE_DOES_NOT_EXIST) {
		if action == "uninstall" {
			fmt.Fprintf(out, "service %s: not installed, nothing to uninstall\n", serviceName)
			return nil
		}
		return failf("%s service %s: not installed (vaultkeeper service install first)", action, serviceName)
	}
	if err != nil {
		return failf("service %s: %w", serviceName, err)
	}
	defer s.Close()
	st, err := s.Query()
	if err != nil {
		return failf("service %s: %w", serviceName, err)
	}
	switch action {
	case "start":
		if st.State == svc.Running {
			fmt.Fprintf(out, "service %s: already running\n", serviceName)
			return nil
		}
		if err := s.Start(); err != nil && !errors.Is(err, windows.ERROR_SERVICE_ALREADY_RUNNING) {
			return failf("start service %s: %w", serviceName, err)
		}
		if err := waitState(s, svc.Running, serviceWait(o)); err != nil {
			return failf("start service %s: %w", serviceName, err)
		}
		fmt.Fprintf(out, "service %s: started\n", serviceName)
	case "stop":
		if st.State == svc.Stopped {
			fmt.Fprintf(out, "service %s: already stopped\n", serviceName)
			return nil
		}
		if err := stopService(s, serviceWait(o)); err != nil {
			return failf("stop service %s: %w", serviceName, err)
		}
		fmt.Fprintf(out, "service %s: stopped\n", serviceName)
	case "uninstall":
		stopped := ""
		if st.State != svc.Stopped {
			if err := stopService(s, serviceWait(o)); err != nil {
				return failf("uninstall service %s: %w", serviceName, err)
			}
			stopped = "stopped and "
		}
		if err := s.Delete(); err != nil {
			return failf("uninstall service %s: %w", serviceName, err)
		}
		eventlog.Remove(serviceName)
		fmt.Fprintf(out, "service %s: %suninstalled\n", serviceName, stopped)
	}
	return nil
}

func serviceInstall(cmd *cobra.Command, m *mgr.Mgr, o *runOptions) error {
	out := cmd.OutOrStdout()
	if o.source == "" || o.agent == "" {
		return usageErr(fmt.Errorf("service install needs --source and --agent"))
	}
	exe, err := os.Executable()
	if err != nil {
		return failf("%w", err)
	}
	args := serviceRunArgs(cmd.Flags())
	if err := secdir.Secure(o.stateDir); err != nil { // the service starts on a protected state dir
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: state dir %s: %v\n", o.stateDir, err)
	}
	cfg := mgr.Config{DisplayName: "vaultkeeper backup agent", StartType: mgr.StartAutomatic,
		Description: "GitOps backups and restores of Altium Enterprise Server with Oracle"}
	if s, err := m.OpenService(serviceName); err == nil {
		defer s.Close()
		old, err := binaryPath(s)
		if err != nil {
			return failf("service %s: %w", serviceName, err)
		}
		want := commandLine(exe, args)
		registerEventSource(out)
		if old == want {
			fmt.Fprintf(out, "service %s: already installed with these flags\n", serviceName)
			return nil
		}
		// Only the command line changes (mgr's UpdateConfig also rewrites optional settings
		// some service managers refuse).
		p, _ := windows.UTF16PtrFromString(want)
		if err := windows.ChangeServiceConfig(s.Handle, windows.SERVICE_NO_CHANGE, windows.SERVICE_NO_CHANGE,
			windows.SERVICE_NO_CHANGE, p, nil, nil, nil, nil, nil, nil); err != nil {
			return failf("update service %s: %w", serviceName, err)
		}
		fmt.Fprintf(out, "service %s: already installed; flags updated (restart it to apply): %s\n", serviceName, strings.Join(args, " "))
		return nil
	}
	s, err := m.CreateService(serviceName, exe, cfg, args...)
	if err != nil {
		return failf("install service %s: %w", serviceName, err)
	}
	defer s.Close()
	registerEventSource(out)
	fmt.Fprintf(out, "service %s: installed: %s %s\n", serviceName, exe, strings.Join(args, " "))
	return nil
}

// registerEventSource registers the Event Log source the service writes to (named like the
// service, with EventCreate.exe's messages), unless it exists. Every install does it, so an
// install that once failed to register it, or a source removed by hand, is mended.
func registerEventSource(out io.Writer) {
	if err := eventlog.InstallAsEventCreate(serviceName, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil &&
		!strings.Contains(err.Error(), "exists") {
		fmt.Fprintf(out, "service %s: Event Log source not registered (%v); the log file in the state dir has everything\n", serviceName, err)
	}
}

// binaryPath is the installed service's command line.
func binaryPath(s *mgr.Service) (string, error) {
	var need uint32
	err := windows.QueryServiceConfig(s.Handle, nil, 0, &need)
	if err != nil && !errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
		return "", err
	}
	buf := make([]byte, need)
	c := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0]))
	if err := windows.QueryServiceConfig(s.Handle, c, need, &need); err != nil {
		return "", err
	}
	return windows.UTF16PtrToString(c.BinaryPathName), nil
}

// commandLine quotes like mgr.CreateService does, to compare with an installed service.
func commandLine(exe string, args []string) string {
	s := windows.EscapeArg(exe)
	for _, a := range args {
		s += " " + windows.EscapeArg(a)
	}
	return s
}

func stopService(s *mgr.Service, limit time.Duration) error {
	if _, err := s.Control(svc.Stop); err != nil && !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
		return err
	}
	return waitState(s, svc.Stopped, limit)
}

// waitState polls the service until it reaches want, for at most limit.
func waitState(s *mgr.Service, want svc.State, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		st, err := s.Query()
		if err != nil {
			return err
		}
		if st.State == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still in state %d after %s", st.State, limit)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// runAsService runs the agent under the service manager when started by it. It asks the
// service manager itself (svc.Run) rather than guessing from the process's context
// (svc.IsWindowsService misfires in some environments, golang/go#56335): a process the
// service manager did not start gets ERROR_FAILED_SERVICE_CONTROLLER_CONNECT at once.
func runAsService(_ context.Context, o *runOptions) (bool, error) {
	err := svc.Run(serviceName, &handler{o: o})
	if errors.Is(err, windows.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
		return false, nil
	}
	return true, err
}

type handler struct{ o *runOptions }

// newEventLogHandler writes warnings and errors to the Event Log under the source the
// installer registered, with the attributes of the logger they were logged through.
func newEventLogHandler(el *eventlog.Log) slog.Handler {
	return newSinkHandler(func(l slog.Level, msg string) error {
		if l >= slog.LevelError {
			return el.Error(1, msg)
		}
		return el.Warning(2, msg)
	})
}

func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	var extra slog.Handler
	el, elErr := eventlog.Open(serviceName)
	if elErr == nil {
		defer el.Close()
		extra = newEventLogHandler(el)
	}
	log, file, err := serviceLogger(h.o.stateDir, h.o.logJSON, extra)
	if err != nil {
		if extra != nil {
			extra.Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelError, err.Error(), 0))
		}
		return true, 2
	}
	defer file.Close()
	if elErr != nil {
		log.Warn("Event Log not available: warnings and errors go to this file only", "source", serviceName, "err", elErr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runAgent(ctx, h.o, log, nil) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32((h.o.shutdown + 10*time.Second) / time.Millisecond)}
				cancel()
				if err := <-done; err != nil {
					log.Error("agent stopped with an error", "err", err)
				}
				return false, 0
			}
		case err := <-done:
			cancel()
			if err != nil {
				log.Error("agent stopped with an error", "err", err)
				return true, 1
			}
			return false, 0
		}
	}
}
