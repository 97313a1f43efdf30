package reconciler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/guard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/metrics"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Options configure an Agent.
type Options struct {
	// Agent is this agent's name: it owns the servers whose spec.agent equals it.
	Agent  string
	Source source.Source
	Store  *state.Store
	Log    *slog.Logger
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
	// Interval is the source poll interval (default 1m), jittered by ±10 %.
	Interval time.Duration
	// MaxSleep caps how long the loop sleeps between plans (default 30 s).
	MaxSleep time.Duration
	Version  string
	// RequireSigned refuses revisions whose HEAD commit is not signed by the keyring.
	RequireSigned bool
	// Hosts builds the adapters of a server (default: the real tools the manifests name).
	Hosts host.Factory
	// ManifestLimits bound a revision's manifest files (zero: manifests' defaults).
	ManifestLimits manifests.Limits
	// SetKeys sign the records of the sets this agent makes and decide which sets it may
	// restore (issue 14; `--set-key-file`, else the key generated in the state dir). nil:
	// sets are published unsigned and no signed set is trusted.
	SetKeys *catalog.Keyring
	// LeaseTTL is how long a server lease lives without a heartbeat (zero: 2 min).
	LeaseTTL time.Duration
}

// Agent is the reconcile loop of one host.
type Agent struct {
	opt     Options
	log     *slog.Logger
	Metrics *metrics.Metrics

	mu       sync.Mutex
	all      *manifests.Set // the revision in force, all agents
	desired  *manifests.Set // its part for this agent
	revision string
	cat      *catalog.Catalog
	model    *view.Model // the read model of cat, rebuilt whenever cat changes
	problems []catalog.Problem
	busy     map[string]bool // servers with a worker
	running  map[string]bool // KIND/NAME of runs in flight
	force    map[string]bool // KIND/NAME asked for by `vaultkeeper reconcile`
	invalid  bool
	// noteDue: modelAt rebuilt the model (a future set came of age); noteSets is due.
	noteDue bool
	// verdicts keeps the verdicts on the catalog's records between builds of the model.
	verdicts view.Verdicts
	// leases takes the server leases (issue 14 point 2); leaseWait holds back a server whose
	// lease another agent holds, until that lease expires (wall clock).
	leases    *guard.Leases
	leaseWait map[string]leaseBlock
	// syncFailures counts consecutive failed fetches (loop goroutine only).
	syncFailures int

	syncNow chan struct{}
	kick    chan struct{}
	// stopReq is closed by an authenticated POST /api/v1/shutdown (RequestShutdown).
	stopReq  chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup

	// notifier delivers events to the revision's Notifiers; started is when Run began (a
	// policy that never succeeded is stale counted from it, like the alert).
	notifier *notify.Dispatcher
	started  time.Time
}

// New builds an agent; Run starts it.
func New(opt Options) *Agent {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Interval <= 0 {
		opt.Interval = time.Minute
	}
	if opt.MaxSleep <= 0 {
		opt.MaxSleep = 30 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Hosts == nil {
		opt.Hosts = host.Real{Log: opt.Log}
		if opt.Store != nil {
			opt.Hosts = host.Real{Log: opt.Log, ParfileDir: host.ParfileDir(opt.Store.Dir())}
		}
	}
	a := &Agent{
		opt: opt, log: opt.Log.With("agent", opt.Agent),
		busy: map[string]bool{}, running: map[string]bool{}, force: map[string]bool{}, leaseWait: map[string]leaseBlock{},
		desired: &manifests.Set{}, all: &manifests.Set{}, cat: &catalog.Catalog{}, model: view.Build(&manifests.Set{}, &manifests.Set{}, nil, view.Trust{}),
		syncNow: make(chan struct{}, 1), kick: make(chan struct{}, 1), stopReq: make(chan struct{}),
	}
	if opt.Store != nil {
		a.leases = &guard.Leases{StateDir: opt.Store.Dir(), Agent: opt.Agent, TTL: opt.LeaseTTL}
	}
	a.Metrics = metrics.New(opt.Version, a.snapshot)
	a.Metrics.DeclareSteps("backup", runbook.Names(backup.Steps)...)
	a.Metrics.DeclareSteps("restore", runbook.Names(restore.Steps)...)
	a.notifier = notify.New(notify.Options{Agent: opt.Agent, Version: opt.Version, Log: a.log, Registerer: a.Metrics.Registry()})
	return a
}

// Trigger asks for an immediate fetch of the source (webhook).
func (a *Agent) Trigger() { signal(a.syncNow) }

// Log is the agent's logger (the API writes its audit lines there).
func (a *Agent) Log() *slog.Logger { return a.log }

// Kick asks the loop to plan now.
func (a *Agent) Kick() { signal(a.kick) }

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Request asks for KIND/NAME (policy/x, restore/y, server/z) to be reconciled now; an empty
// object means every server and policy. Only restore/NAME forces a restore (issue 14): a
// destructive restore is never re-run by a request that does not name it.
func (a *Agent) Request(object string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if object == "" {
		for _, s := range a.desired.Servers {
			a.force["server/"+s.Metadata.Name] = true
		}
		for _, p := range a.desired.Policies {
			a.force["policy/"+p.Metadata.Name] = true
		}
	} else {
		if !a.known(object) {
			return fmt.Errorf("%s: no such object in revision %s for agent %s", object, a.revision, a.opt.Agent)
		}
		a.force[object] = true
	}
	signal(a.kick)
	return nil
}

func (a *Agent) known(object string) bool {
	kind, name, _ := cut(object)
	switch kind {
	case "server":
		return a.desired.Server(name) != nil
	case "policy":
		return a.desired.Policy(name) != nil
	case "restore":
		return a.desired.Restore(name) != nil
	}
	return false
}

// Run runs the loop until ctx ends, then waits for the workers, which stop their steps
// through the cancelled context and still run their deferred steps (IIS started).
func (a *Agent) Run(ctx context.Context) error {
	a.started = a.opt.Now()
	defer a.notifier.Close(notify.DefaultDrain)
	a.loadLastGood()
	if err := a.recover(ctx); err != nil {
		a.log.Error("crash recovery", "err", err)
	}
	a.sync(ctx)
	poll := time.NewTimer(a.pollDelay())
	defer poll.Stop()
	for {
		sleep := a.schedule(ctx)
		timer := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			timer.Stop()
			a.wg.Wait()
			return nil
		case <-poll.C:
			a.sync(ctx)
			poll.Reset(a.pollDelay())
		case <-a.syncNow:
			a.sync(ctx)
			poll.Reset(a.pollDelay())
		case <-a.opt.Source.Changes():
			a.sync(ctx)
			poll.Reset(a.pollDelay())
		case <-a.kick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// pollDelay is the jittered poll interval; after failed fetches the source is retried
// sooner, backing off from 5 s up to the interval (a remote that is down is not hammered,
// and one that comes back is noticed within seconds).
func (a *Agent) pollDelay() time.Duration {
	d := a.opt.Interval
	if a.syncFailures > 0 {
		d = outcome.Backoff{Base: 5 * time.Second, Max: a.opt.Interval}.Delay(a.syncFailures)
	}
	return outcome.Jitter(d, 0.1, rand.Float64)
}

// loadLastGood puts the last applied revision back in force at start, so a restarted agent
// knows its servers (and can recover them) even while the source is unreachable.
func (a *Agent) loadLastGood() {
	src := a.opt.Store.Snapshot().Source
	if src.LastAppliedDir == "" {
		return
	}
	if rv, ok := a.opt.Source.(source.Reverifier); ok { // the cache may have changed while the agent was down
		if err := rv.Reverify(src.LastApplied, src.LastAppliedDir); err != nil {
			a.log.Warn("last applied revision not used: it no longer verifies; waiting for the source", "dir", src.LastAppliedDir, "err", err)
			return
		}
	}
	set, err := a.opt.ManifestLimits.LoadDir(src.LastAppliedDir)
	if err != nil {
		a.log.Warn("last applied revision not readable", "dir", src.LastAppliedDir, "err", err)
		return
	}
	a.apply(context.Background(), set, src.LastApplied)
}

// sync fetches the source and applies a new valid revision.
func (a *Agent) sync(ctx context.Context) {
	rev, changed, err := a.opt.Source.Fetch(ctx)
	now := a.opt.Now().UTC()
	if err != nil {
		a.Metrics.SourceSyncFailed()
		a.syncFailures++
		reason := "FetchFailed"
		switch {
		case errors.Is(err, source.ErrNotSigned):
			reason = "NotSigned"
		case errors.Is(err, source.ErrRollback):
			reason = "Rollback"
		}
		a.log.Error("source fetch failed", "err", err)
		a.update(func(st *state.Status) {
			st.Source.SyncErrors++
			st.Source.Ready, st.Source.Reason = false, reason+": "+err.Error()
			if rev.ID != "" {
				st.Source.LastAttempted = rev.ID
			}
		})
		return
	}
	a.syncFailures = 0
	if !changed && a.revision == rev.ID {
		a.update(func(st *state.Status) { st.Source.LastSync = now; st.Source.Ready = true })
		return
	}
	dir := filepath.Join(rev.Dir, rev.Path)
	set, lerr := a.opt.ManifestLimits.LoadDir(dir)
	var list manifests.ErrorList
	if lerr != nil {
		var lines []string
		if errors.As(lerr, &list) {
			for _, e := range list {
				lines = append(lines, e.Error())
			}
		} else {
			lines = []string{lerr.Error()}
		}
		a.log.Error("revision rejected; the last good revision stays in force", "revision", rev.ID, "errors", len(lines))
		for _, l := range lines { // what `vaultkeeper validate` would print, one line each
			a.log.Error("invalid manifest", "revision", rev.ID, "error", l)
		}
		// The status first: a reader that sees the revision rejected finds its errors.
		a.update(func(st *state.Status) {
			st.Source.LastSync, st.Source.LastAttempted = now, rev.ID
			st.Source.Ready, st.Source.Reason, st.Source.Errors = false, "ManifestsInvalid", lines
		})
		a.mu.Lock()
		a.invalid = true
		a.mu.Unlock()
		return
	}
	a.apply(ctx, set, rev.ID)
	a.mu.Lock()
	a.invalid = false
	a.mu.Unlock()
	a.update(func(st *state.Status) {
		st.Source.LastSync, st.Source.LastAttempted, st.Source.LastApplied, st.Source.LastAppliedDir = now, rev.ID, rev.ID, dir
		st.Source.Ready, st.Source.Reason, st.Source.Errors = true, "", nil
		st.Source.SignatureVerified, st.Source.Signer = rev.Signature.Signed, rev.Signature.Signer
	})
	a.log.Info("revision applied", "revision", rev.ID, "servers", len(a.desired.Servers), "policies", len(a.desired.Policies), "restores", len(a.desired.Restores))
}

func (a *Agent) apply(ctx context.Context, set *manifests.Set, revision string) {
	mine := set.ForAgent(a.opt.Agent)
	a.mu.Lock()
	before := view.Roots(a.desired, a.all)
	a.all, a.desired, a.revision = set, mine, revision
	a.mu.Unlock()
	a.notifier.Configure(set.Notifiers)
	a.rememberRoots(before, view.Roots(mine, set))
	if len(mine.Servers) == 0 {
		// Ready, yet watching nothing: most likely a typo in --agent (issue 16);
		// vaultkeeper_agent_servers is 0 and VaultkeeperAgentOwnsNoServer fires.
		var agents []string
		for _, s := range set.Servers {
			if !slices.Contains(agents, s.Spec.Agent) {
				agents = append(agents, s.Spec.Agent)
			}
		}
		a.log.Warn("this agent owns no server in the revision: compare --agent with the servers' spec.agent",
			"revision", revision, "agents_in_revision", agents)
	}
	a.rescan(ctx)
	signal(a.kick)
}

// update records a result in the store, logging (not failing) when it cannot be saved: the
// status in memory keeps it and the next save writes it (state.Store.Record).
func (a *Agent) update(fn func(st *state.Status)) {
	if err := a.opt.Store.Record(fn); err != nil {
		a.log.Error("state not saved", "err", err)
	}
}

// rescan rebuilds the catalog from every destination and replica of this agent's policies.
func (a *Agent) rescan(ctx context.Context) {
	a.mu.Lock()
	roots := view.Roots(a.desired, a.all)
	a.mu.Unlock()
	former := a.opt.Store.Snapshot().FormerRoots
	for _, f := range former { // read only: to report what was left there
		roots = append(roots, catalog.Root{Policy: f.Policy, Destination: f.Destination, Replica: f.Replica})
	}
	cat, problems, err := catalog.Scan(ctx, roots)
	if err != nil {
		a.log.Error("catalog scan", "err", err)
		return
	}
	for _, p := range problems {
		if p.Kind == catalog.ProblemPartial || p.Kind == catalog.ProblemRemoving {
			// A backup or removal in flight (possibly another policy's), or a crash leftover the
			// next run of that server removes.
			a.log.Debug("unfinished set", "path", p.Path)
			continue
		}
		a.log.Warn("not a backup set (left untouched)", "path", p.Path, "kind", p.Kind, "reason", p.Reason)
	}
	a.mu.Lock()
	a.cat, a.problems = cat, problems
	a.buildModel(a.opt.Now())
	model := a.model
	a.mu.Unlock()
	a.noteSets()
	a.reportOrphans(model, former)
}

// rememberRoots keeps the folders of sets the revision before used and the new one does
// not (a deleted policy's destination, a changed destination or copy) in the status, so
// that the sets left there are still found and reported as orphaned, across restarts too.
func (a *Agent) rememberRoots(before, after []catalog.Root) {
	dropped := view.Dropped(before, after)
	old := a.opt.Store.Snapshot().FormerRoots
	if len(dropped) == 0 && len(view.Dropped(rootsOf(old), after)) == len(old) {
		return // nothing changed: no status write
	}
	a.update(func(st *state.Status) {
		var keep []state.FormerRoot
		for _, f := range st.FormerRoots {
			if len(view.Dropped([]catalog.Root{{Destination: f.Destination}}, after)) == 1 { // not in use again
				keep = append(keep, f)
			}
		}
		for _, d := range dropped {
			if len(view.Dropped([]catalog.Root{{Destination: d.Destination}}, rootsOf(keep))) == 1 {
				keep = append(keep, state.FormerRoot{Destination: d.Destination, Replica: d.Replica, Policy: d.Policy})
			}
		}
		st.FormerRoots = keep
	})
}

func rootsOf(fs []state.FormerRoot) []catalog.Root {
	out := make([]catalog.Root, 0, len(fs))
	for _, f := range fs {
		out = append(out, catalog.Root{Policy: f.Policy, Destination: f.Destination, Replica: f.Replica})
	}
	return out
}

// reportOrphans warns, once per scan, about the sets no policy of the revision owns (they
// are kept: nothing deletes them), one line per policy and folder; a former root without
// any set left is forgotten.
func (a *Agent) reportOrphans(m *view.Model, former []state.FormerRoot) {
	type key struct{ policy, dest, why string }
	count := map[key]int{}
	var order []key
	used := map[string]bool{}
	for _, b := range m.Backups {
		used[filepath.Clean(b.Destination)] = true
		if b.Orphaned == "" {
			continue
		}
		k := key{b.Policy, b.Destination, b.Orphaned}
		if count[k] == 0 {
			order = append(order, k)
		}
		count[k]++
	}
	for _, k := range order {
		a.log.Warn("orphaned backup sets (kept, never deleted): remove them by hand once they are not needed",
			"policy", k.policy, "destination", k.dest, "sets", count[k], "why", k.why)
	}
	var gone []string
	for _, f := range former {
		if !used[filepath.Clean(f.Destination)] {
			gone = append(gone, filepath.Clean(f.Destination))
		}
	}
	if len(gone) > 0 {
		a.update(func(st *state.Status) {
			st.FormerRoots = slices.DeleteFunc(st.FormerRoots, func(f state.FormerRoot) bool {
				return slices.Contains(gone, filepath.Clean(f.Destination))
			})
		})
	}
}

// putSets loads the published sets in dirs (under destination; replica says which kind of
// root that is) into the catalog in place, instead of scanning every destination again.
// A folder that is not a published set is left out.
func (a *Agent) putSets(destination string, replica bool, dirs ...string) {
	var sets []catalog.Set
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, catalog.FileMetadata)); errors.Is(err, os.ErrNotExist) {
			continue // not published (a copy that failed)
		}
		s, err := catalog.Load(destination, d, replica)
		if err != nil {
			a.log.Warn("set not added to the catalog", "dir", d, "err", err)
			continue
		}
		sets = append(sets, s)
	}
	a.changeCatalog(func(c *catalog.Catalog) *catalog.Catalog { return c.With(sets...) })
}

// changeCatalog replaces the catalog by change's and rebuilds the read model.
func (a *Agent) changeCatalog(change func(*catalog.Catalog) *catalog.Catalog) {
	a.mu.Lock()
	a.cat = change(a.cat)
	a.buildModel(a.opt.Now())
	a.mu.Unlock()
	a.noteSets()
}

func cut(object string) (kind, name string, ok bool) {
	for i := 0; i < len(object); i++ {
		if object[i] == '/' {
			return object[:i], object[i+1:], true
		}
	}
	return object, "", false
}

// Busy reports whether a worker is running actions of server.
func (a *Agent) Busy(server string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.busy[server]
}

// Suspend sets or clears the CLI suspend override of policy/NAME.
func (a *Agent) Suspend(object string, on bool) error {
	kind, name, _ := cut(object)
	a.mu.Lock()
	ok := kind == "policy" && a.desired.Policy(name) != nil
	a.mu.Unlock()
	if !ok {
		return errors.New(object + ": not a policy of this agent (use policy/NAME)")
	}
	err := a.opt.Store.Update(func(st *state.Status) { st.Policy(name).Suspended = on })
	a.Kick()
	return err
}

// Revision is the revision in force, "" before the first valid one.
func (a *Agent) Revision() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.revision
}

// RequestShutdown asks the process running the agent for a graceful shutdown, the way
// SIGTERM does; Windows has no SIGTERM, and Wine cannot deliver console control events.
func (a *Agent) RequestShutdown() { a.stopOnce.Do(func() { close(a.stopReq) }) }

// ShutdownRequested is closed once RequestShutdown was called.
func (a *Agent) ShutdownRequested() <-chan struct{} { return a.stopReq }
