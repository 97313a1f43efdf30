package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/api"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// runOptions are the flags of `vaultkeeper run`.
type runOptions struct {
	source, agent, branch, tag, commit, path, stateDir, listen string
	interval, shutdown                                         time.Duration
	webhookSecretFile, verifyKeyring                           string
	gitUser, gitTokenFile, sshKey, knownHosts                  string
	logJSON                                                    bool
}

func newRunCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run --source URL|PATH --agent NAME",
		Short: "Run the agent: watch the manifests and reconcile backups, restores and checks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.source == "" || o.agent == "" {
				return usageErr(errors.New("run needs --source and --agent"))
			}
			if is, err := runAsService(cmd.Context(), o); is {
				return err
			}
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			return runAgent(ctx, o, newLogger(cmd.ErrOrStderr(), o.logJSON), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.source, "source", "", "git URL (https://, ssh://, file://) or local folder of manifests")
	f.StringVar(&o.agent, "agent", "", "this agent's name: it owns the servers whose spec.agent equals it")
	f.StringVar(&o.branch, "branch", "", "git branch (default: the remote's HEAD)")
	f.StringVar(&o.tag, "tag", "", "git tag")
	f.StringVar(&o.commit, "commit", "", "git commit")
	f.StringVar(&o.path, "path", "", "subfolder of the source holding the manifests")
	f.StringVar(&o.stateDir, "state-dir", defaultStateDir(), "state folder (status, journals, git cache, API token)")
	f.StringVar(&o.listen, "listen", defaultListen, "HTTP address for /metrics, /healthz, the API and the webhook")
	f.DurationVar(&o.interval, "interval", time.Minute, "source poll interval (jittered)")
	f.DurationVar(&o.shutdown, "shutdown-timeout", 2*time.Minute, "on SIGINT/SIGTERM, how long running steps get to stop and restart IIS")
	f.StringVar(&o.webhookSecretFile, "webhook-secret-file", "", "file holding the webhook HMAC secret; enables POST /webhook")
	f.StringVar(&o.verifyKeyring, "verify-keyring", "", "armored OpenPGP keyring: only revisions whose HEAD commit is signed by it are applied")
	f.StringVar(&o.gitUser, "git-username", "", "https user for the git source")
	f.StringVar(&o.gitTokenFile, "git-token-file", "", "file holding the https password or token")
	f.StringVar(&o.sshKey, "ssh-key", "", "private key file for ssh git sources")
	f.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file for ssh git sources (required with --ssh-key)")
	f.BoolVar(&o.logJSON, "log-json", false, "log JSON lines instead of text")
	return cmd
}

// newLogger logs text, or JSON lines, to w.
func newLogger(w io.Writer, json bool) *slog.Logger {
	if json {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// signalContext is cancelled by the first SIGINT/SIGTERM; a second one exits at once.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
			return
		}
		<-ch
		os.Exit(130)
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// runAgent runs the agent until ctx ends. ready, when set, receives the listen address.
func runAgent(ctx context.Context, o *runOptions, log *slog.Logger, ready func(addr string, a *reconciler.Agent)) error {
	store, err := state.Open(o.stateDir)
	if err != nil {
		return err
	}
	src, err := source.New(source.GitOptions{
		URL: o.source, Branch: o.branch, Tag: o.tag, Commit: o.commit, Path: o.path,
		CacheDir: filepath.Join(o.stateDir, "git"), VerifyKeyring: o.verifyKeyring, Log: log,
		Auth: source.AuthOptions{Username: o.gitUser, TokenFile: o.gitTokenFile, SSHKeyFile: o.sshKey, KnownHostsFile: o.knownHosts},
	}, source.DefaultDebounce)
	if err != nil {
		return err
	}
	defer src.Close()
	agent := reconciler.New(reconciler.Options{Agent: o.agent, Source: src, Store: store, Log: log, Interval: o.interval,
		Version: version, RequireSigned: o.verifyKeyring != ""})
	token, err := store.Token()
	if err != nil {
		return err
	}
	var webhook http.Handler
	if o.webhookSecretFile != "" {
		secret, err := os.ReadFile(o.webhookSecretFile)
		if err != nil {
			return fmt.Errorf("--webhook-secret-file: %w", err)
		}
		webhook = source.NewWebhook([]byte(strings.TrimSpace(string(secret))), 1<<20, agent.Trigger, log)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	srv := &http.Server{Handler: api.Handler(agent, token, webhook), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("agent started", "agent", o.agent, "source", o.source, "listen", ln.Addr().String(), "state", o.stateDir)
	if ready != nil {
		ready(ln.Addr().String(), agent)
	}
	done := make(chan error, 1)
	go func() { done <- agent.Run(ctx) }()
	<-ctx.Done()
	select {
	case err = <-done:
	case <-time.After(o.shutdown):
		err = fmt.Errorf("shutdown took longer than %s", o.shutdown)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	log.Info("agent stopped")
	return err
}
