//go:build windows

package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/state/secdir"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

func serviceAction(cmd *cobra.Command, action string, o *runOptions) error {
	m, err := mgr.Connect()
	if err != nil {
		return failf("service manager: %w (run as Administrator)", err)
	}
	defer m.Disconnect()
	switch action {
	case "install":
		if o.source == "" || o.agent == "" {
			return usageErr(fmt.Errorf("service install needs --source and --agent"))
		}
		exe, err := os.Executable()
		if err != nil {
			return failf("%w", err)
		}
		args := []string{"run", "--source", o.source, "--agent", o.agent, "--state-dir", o.stateDir, "--listen", o.listen}
		for flag, v := range map[string]string{"--branch": o.branch, "--path": o.path, "--webhook-secret-file": o.webhookSecretFile, "--verify-keyring": o.verifyKeyring, "--set-key-file": o.setKeyFile} {
			if v != "" {
				args = append(args, flag, v)
			}
		}
		s, err := m.CreateService(serviceName, exe, mgr.Config{DisplayName: "vaultkeeper backup agent", StartType: mgr.StartAutomatic,
			Description: "GitOps backups and restores of Altium Enterprise Server with Oracle"}, args...)
		if err != nil {
			return failf("install service %s: %w", serviceName, err)
		}
		defer s.Close()
		eventlog.InstallAsEventCreate(serviceName, eventlog.Error|eventlog.Warning|eventlog.Info)
		if err := secdir.Secure(o.stateDir); err != nil { // the service starts on a protected state dir
			fmt.Fprintf(cmd.ErrOrStderr(), "warning: state dir %s: %v\n", o.stateDir, err)
		}
	case "uninstall", "start", "stop":
		s, err := m.OpenService(serviceName)
		if err != nil {
			return failf("service %s: %w", serviceName, err)
		}
		defer s.Close()
		switch action {
		case "uninstall":
			err = s.Delete()
			eventlog.Remove(serviceName)
		case "start":
			err = s.Start()
		case "stop":
			_, err = s.Control(svc.Stop)
		}
		if err != nil {
			return failf("%s service %s: %w", action, serviceName, err)
		}
	default:
		return usageErr(fmt.Errorf("service %q: install, uninstall, start or stop", action))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "service %s: %s done\n", serviceName, action)
	return nil
}

// runAsService runs the agent under the service manager when started by it.
func runAsService(ctx context.Context, o *runOptions) (bool, error) {
	is, err := svc.IsWindowsService()
	if err != nil || !is {
		return false, err
	}
	return true, svc.Run(serviceName, &handler{o: o})
}

type handler struct{ o *runOptions }

func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runAgent(ctx, h.o, newLogger(os.Stderr, false), nil) }()
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
				<-done
				return false, 0
			}
		case err := <-done:
			cancel()
			if err != nil {
				return true, 1
			}
			return false, 0
		}
	}
}
