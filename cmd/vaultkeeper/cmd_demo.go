package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/api"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

func newDemoCmd() *cobra.Command {
	var dir, listen string
	var once bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "demo [--dir D] [--once]",
		Short: "The whole cycle on simulated Altium hosts: a git repo of manifests, the agent, backups, a standing restore",
		Long: "demo creates two simulated Altium hosts (cmd/altium-sim: IIS, avbackup, exp/imp, sqlplus),\n" +
			"a local git repo with manifests pointed at them, and runs the agent on it. It shows each step\n" +
			"with its duration, the published set, and where metrics are served. With --once it exits 0\n" +
			"as soon as the first set is published and verified.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			return runDemo(ctx, cmd.OutOrStdout(), dir, listen, once, timeout)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "folder for the demo (default: a new temporary folder)")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "HTTP address of the agent (default: a free loopback port)")
	cmd.Flags().BoolVar(&once, "once", false, "exit 0 after the first set is published and verified")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "with --once: give up after this long")
	return cmd
}

func runDemo(ctx context.Context, out io.Writer, dir, listen string, once bool, timeout time.Duration) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "vaultkeeper-demo-")
		if err != nil {
			return err
		}
		dir = d
	}
	fmt.Fprintf(out, "vaultkeeper demo in %s\n", dir)
	env, err := setUpDemo(ctx, out, dir)
	if err != nil {
		return failf("demo set-up: %w", err)
	}
	defer env.close()
	o := &runOptions{source: env.source, agent: "demo", stateDir: dir + "/state", listen: listen, interval: 10 * time.Second, shutdown: time.Minute}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	log := slog.New(newDemoHandler(out))
	err = runAgent(ctx, o, log, func(addr string, a *reconciler.Agent) {
		fmt.Fprintf(out, "agent \"demo\" watching %s\n", env.source)
		fmt.Fprintf(out, "metrics:  http://%s/metrics\n", addr)
		fmt.Fprintf(out, "status:   vaultkeeper get policies --addr %s   (also servers, backups, restores, checks)\n\n", addr)
		go func() { done <- watchDemo(ctx, out, a, env, once, timeout, cancel) }()
	})
	if err != nil {
		return err
	}
	select {
	case werr := <-done:
		return werr
	default:
		return nil
	}
}

// watchDemo reports the first published set (and, with once, stops the agent).
func watchDemo(ctx context.Context, out io.Writer, a *reconciler.Agent, env *demoEnv, once bool, timeout time.Duration, stop context.CancelFunc) error {
	deadline := time.After(timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-deadline:
			if once {
				defer stop()
				return failf("demo: no verified set after %s; see the log above", timeout)
			}
			deadline = nil
		case <-tick.C:
		}
		v, _ := api.Views(a, "backups")
		for _, b := range v.([]view.BackupView) {
			if b.Verified && !b.Replica && b.Kind != "safety" && b.Server == "aes-prod" {
				fmt.Fprintf(out, "\npublished and verified: %s (%d bytes)\n", b.Dir, b.SizeBytes)
				fmt.Fprintf(out, "simulated host after the backup: %s\n", env.verify("aes-prod"))
				if !once {
					fmt.Fprintln(out, "the agent keeps running (Ctrl-C stops it); staging is restored from this set next.")
					return nil
				}
				waitRestores(ctx, a, 2*time.Minute)
				summarize(out, a, env)
				stop()
				return nil
			}
		}
	}
}

// waitRestores lets a restore that already began finish before --once stops the agent, so
// the demo never leaves a half-done restore behind.
func waitRestores(ctx context.Context, a *reconciler.Agent, limit time.Duration) {
	end := time.Now().Add(limit)
	for time.Now().Before(end) && ctx.Err() == nil {
		if !a.Busy("aes-staging") {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var errNoSim = errors.New("altium-sim not found")

// summarize says, in plain words, where the demo ended: restores and integrity checks.
func summarize(out io.Writer, a *reconciler.Agent, env *demoEnv) {
	rs, _ := api.Views(a, "restores")
	for _, r := range rs.([]view.RestoreView) {
		if r.RestoredSet == "" {
			fmt.Fprintf(out, "restore %s: not done yet (%s)\n", r.Name, r.LastError)
			continue
		}
		fmt.Fprintf(out, "restore %s: %s now holds set %s\n", r.Name, r.Server, r.RestoredSet)
		fmt.Fprintf(out, "simulated host %s after the restore: %s\n", r.Server, env.verify(r.Server))
	}
	cs, _ := api.Views(a, "checks")
	passed := map[string]int{}
	var failed []string
	for _, c := range cs.([]state.Check) {
		if c.OK {
			passed[c.Server]++
		} else {
			failed = append(failed, fmt.Sprintf("%s %s: %s", c.Server, c.Check, c.Message))
		}
	}
	for _, server := range slices.Sorted(maps.Keys(passed)) {
		fmt.Fprintf(out, "integrity checks of %s: %d passed\n", server, passed[server])
	}
	for _, f := range failed {
		fmt.Fprintf(out, "integrity check FAILED: %s\n", f)
	}
}
