package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/api"
	"github.com/vaultkeeper/vaultkeeper/reconciler/httpguard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/dirlock"
	"github.com/vaultkeeper/vaultkeeper/state/secdir"
	"github.com/vaultkeeper/vaultkeeper/state/setsig"
)

// runOptions are the flags of `vaultkeeper run`.
type runOptions struct {
	source, agent, branch, tag, commit, path, stateDir, listen string
	interval, shutdown                                         time.Duration
	webhookSecretFile, verifyKeyring, setKeyFile               string
	gitUser, gitTokenFile, sshKey, knownHosts                  string
	logJSON, allowRollback                                     bool
	// hardening (issue 19): API exposure and input caps
	metricsListen, tlsCert, tlsKey string
	insecureAPI                    bool
	httpLimits                     httpguard.Limits // zero: httpguard.DefaultLimits
	manifestLimits                 manifests.Limits
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
	addRunFlags(cmd.Flags(), o)
	return cmd
}

// addRunFlags defines the flags of `run` on f (also used by `service install`, which passes
// them on to the service's `run`).
func addRunFlags(f *pflag.FlagSet, o *runOptions) {
	f.StringVar(&o.source, "source", "", "git URL (https://, ssh://, file://) or local folder of manifests")
	f.StringVar(&o.agent, "agent", "", "this agent's name: it owns the servers whose spec.agent equals it")
	f.StringVar(&o.branch, "branch", "", "git branch (default: the remote's HEAD)")
	f.StringVar(&o.tag, "tag", "", "git tag")
	f.StringVar(&o.commit, "commit", "", "git commit")
	f.StringVar(&o.path, "path", "", "subfolder of the source holding the manifests")
	f.StringVar(&o.stateDir, "state-dir", defaultStateDir(), "state folder (status, journals, git cache, API token)")
	f.StringVar(&o.listen, "listen", defaultListen, "HTTP address for /metrics, /healthz, the API and the webhook (port 0: a free port, written to STATE-DIR/listen-addr and logged)")
	f.DurationVar(&o.interval, "interval", time.Minute, "source poll interval (jittered)")
	f.DurationVar(&o.shutdown, "shutdown-timeout", 2*time.Minute, "on SIGINT/SIGTERM, how long running steps get to stop and restart IIS")
	f.StringVar(&o.webhookSecretFile, "webhook-secret-file", "", "file holding the webhook HMAC secret; enables POST /webhook")
	f.StringVar(&o.verifyKeyring, "verify-keyring", "", "armored OpenPGP keyring: only revisions whose HEAD commit is signed by it are applied")
	f.BoolVar(&o.allowRollback, "allow-rollback", false, "with --verify-keyring, also apply a revision that does not descend from the last applied one")
	f.StringVar(&o.setKeyFile, "set-key-file", "", "file of HMAC keys for backup set records (shared by agents that restore each other's sets); default: a key generated in the state dir")
	f.StringVar(&o.gitUser, "git-username", "", "https user for the git source")
	f.StringVar(&o.gitTokenFile, "git-token-file", "", "file holding the https password or token")
	f.StringVar(&o.sshKey, "ssh-key", "", "private key file for ssh git sources")
	f.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file for ssh git sources (required with --ssh-key)")
	f.BoolVar(&o.logJSON, "log-json", false, "log JSON lines instead of text")
	f.StringVar(&o.metricsListen, "metrics-listen", "", "second HTTP address serving only /metrics, /healthz and /readyz (for Prometheus), without the API")
	f.StringVar(&o.tlsCert, "tls-cert", "", "PEM certificate (chain) file: serve the API over HTTPS (with --tls-key)")
	f.StringVar(&o.tlsKey, "tls-key", "", "PEM private key file of --tls-cert")
	f.BoolVar(&o.insecureAPI, "insecure-api", false, "allow a non-loopback --listen without TLS (the token then crosses the network in clear text)")
	addManifestLimitFlags(f, &o.manifestLimits)
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
	lock, err := lockStateDir(o.stateDir, o.agent)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := secdir.Prepare(o.stateDir, log); err != nil {
		return err
	}
	if err := dump.ResetParfiles(dump.ParfileDir(o.stateDir)); err != nil {
		return err
	}
	store, err := state.Open(o.stateDir)
	if err != nil {
		return err
	}
	setKeys, err := setsig.Open(o.setKeyFile, o.stateDir)
	if err != nil {
		return err
	}
	log.Info("set key", "file", setKeys.Source, "key_ids", setKeys.KeyIDs())
	src, err := source.New(source.GitOptions{
		URL: o.source, Branch: o.branch, Tag: o.tag, Commit: o.commit, Path: o.path,
		CacheDir: filepath.Join(o.stateDir, "git"), VerifyKeyring: o.verifyKeyring, Log: log,
		Applied:       func() string { return store.Snapshot().Source.LastApplied },
		AllowRollback: o.allowRollback,
		Auth:          source.AuthOptions{Username: o.gitUser, TokenFile: o.gitTokenFile, SSHKeyFile: o.sshKey, KnownHostsFile: o.knownHosts},
	}, source.DefaultDebounce)
	if err != nil {
		return err
	}
	defer src.Close()
	agent := reconciler.New(reconciler.Options{Agent: o.agent, Source: src, Store: store, Log: log, Interval: o.interval,
		Version: version, RequireSigned: o.verifyKeyring != "", ManifestLimits: o.manifestLimits, SetKeys: setKeys})
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
	srv, err := httpguard.Start(httpguard.Config{Listen: o.listen, MetricsListen: o.metricsListen, TLSCert: o.tlsCert, TLSKey: o.tlsKey,
		InsecureAPI: o.insecureAPI, Token: token, Limits: o.httpLimits, Log: log}, api.Handler(agent, token, webhook))
	if err != nil {
		return err
	}
	// The bound address (with --listen 127.0.0.1:0, the port the system chose) goes to the
	// state dir and the log, so whoever started the agent can reach it without guessing.
	if err := store.SetListenAddr(srv.Addr()); err != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return err
	}
	log.Info("agent started", "agent", o.agent, "source", o.source, "listen", srv.Addr(), "metrics_listen", srv.MetricsAddr(), "state", o.stateDir)
	if ready != nil {
		ready(srv.Addr(), agent)
	}
	ctx, stopAgent := context.WithCancel(ctx)
	defer stopAgent()
	done := make(chan error, 1)
	go func() { done <- agent.Run(ctx) }()
	select {
	case <-ctx.Done():
	case <-agent.ShutdownRequested(): // POST /api/v1/shutdown: SIGTERM's stand-in on Windows
		log.Info("shutdown requested over the API")
		stopAgent()
	}
	select {
	case err = <-done:
	case <-time.After(o.shutdown):
		err = fmt.Errorf("shutdown took longer than %s", o.shutdown)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	if cerr := state.ClearListenAddr(o.stateDir); cerr != nil {
		log.Warn("remove the listen address file", "err", cerr)
	}
	log.Info("agent stopped")
	return err
}

// lockStateDir makes the state dir this process's for its lifetime: a second agent on it
// exits non-zero, naming the holder (issue 14 point 2).
func lockStateDir(dir, agent string) (*dirlock.Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state dir %s: %w", dir, err)
	}
	return dirlock.Acquire(dir, dirlock.Holder{Agent: agent})
}
