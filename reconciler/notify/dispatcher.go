package notify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// Defaults of Options, and the drain time the agent gives Close.
const (
	DefaultDrain       = 10 * time.Second
	DefaultQueueSize   = 100
	DefaultMaxAttempts = 8
	DefaultTimeout     = 30 * time.Second
)

// DefaultBackoff is the wait between attempts: 5 s doubling up to 5 min, so the default 8
// attempts span about 10 minutes (a receiver restarting or a mail relay's greylisting).
var DefaultBackoff = outcome.Backoff{Base: 5 * time.Second, Max: 5 * time.Minute}

// Options configure a Dispatcher. Zero values take the defaults.
type Options struct {
	// Agent names the sending agent in every message.
	Agent string
	// Version goes into the webhook's User-Agent.
	Version string
	Log     *slog.Logger
	// Registerer takes the delivery metrics (nil: not registered).
	Registerer prometheus.Registerer
	// QueueSize bounds each notifier's queue (default 100).
	QueueSize int
	// MaxAttempts bounds the attempts per message (default 8).
	MaxAttempts int
	// Backoff is the wait between attempts (default DefaultBackoff).
	Backoff outcome.Backoff
	// Timeout bounds one attempt (default 30 s).
	Timeout time.Duration
	// HTTPClient posts webhooks (default: a client with the environment's proxy settings).
	HTTPClient *http.Client
}

// Dispatcher delivers events to the notifiers of the revision in force. Its methods are safe
// for concurrent use and never block on a delivery.
type Dispatcher struct {
	opt Options
	log *slog.Logger
	m   *metrics

	mu      sync.Mutex
	workers map[string]*worker
	raised  map[string]bool // conditions raised and not yet cleared
	closed  bool
	closing chan struct{}   // closed by Close: no more retries, one attempt each
	ctx     context.Context // cancelled when Close gives up draining
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New returns a dispatcher with no notifiers; Configure gives it some.
func New(opt Options) *Dispatcher {
	if opt.QueueSize <= 0 {
		opt.QueueSize = DefaultQueueSize
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.Backoff == (outcome.Backoff{}) {
		opt.Backoff = DefaultBackoff
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Dispatcher{opt: opt, log: opt.Log, m: newMetrics(opt.Registerer), workers: map[string]*worker{}, raised: map[string]bool{},
		closing: make(chan struct{}), ctx: ctx, cancel: cancel}
}

// worker delivers one notifier's queue, one message at a time.
type worker struct {
	name string
	q    *queue
	spec atomic.Pointer[manifests.NotifierSpec] // the current spec, read at each attempt
	stop chan struct{}                          // closed when the notifier is removed
}

func (w *worker) current() *manifests.NotifierSpec { return w.spec.Load() }

// Configure makes notifiers the ones in force: new ones start, changed ones use their new
// spec from the next attempt on (their queue is kept), removed ones stop and drop what they
// still hold.
func (d *Dispatcher) Configure(notifiers []*manifests.Notifier) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	keep := map[string]bool{}
	for _, n := range notifiers {
		name := n.Metadata.Name
		keep[name] = true
		spec := n.Spec
		if w := d.workers[name]; w != nil {
			if !sameSpec(w.current(), &spec) {
				w.spec.Store(&spec)
				d.log.Info("notifier changed", "notifier", name)
			}
			continue
		}
		w := &worker{name: name, q: newQueue(d.opt.QueueSize), stop: make(chan struct{})}
		w.spec.Store(&spec)
		d.workers[name] = w
		d.m.declare(name)
		d.wg.Add(1)
		go d.run(w)
	}
	for name, w := range d.workers {
		if !keep[name] {
			close(w.stop)
			w.q.close()
			delete(d.workers, name)
			if n := w.q.drain(); n > 0 {
				d.log.Warn("notifier removed; its undelivered messages are dropped", "notifier", name, "dropped", n)
			}
			d.m.forget(name)
		}
	}
}

func sameSpec(a, b *manifests.NotifierSpec) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Publish queues e for every notifier that lists its event. It never blocks: a full queue
// drops its oldest message.
func (d *Dispatcher) Publish(e Event) {
	if e.Agent == "" {
		e.Agent = d.opt.Agent
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	for _, w := range d.workers {
		if !slices.Contains(w.current().Events, e.Event) {
			continue
		}
		dropped, ok := w.q.push(e)
		if !ok {
			continue
		}
		if dropped {
			d.m.dropped.WithLabelValues(w.name).Inc()
			d.log.Warn("notification queue full; the oldest message is dropped", "notifier", w.name, "size", d.opt.QueueSize)
		}
		d.m.queued.WithLabelValues(w.name).Set(float64(w.q.len()))
	}
}

// Raise publishes e when the condition key (e.g. "backupStale/policy/nightly") is not raised
// yet, and marks it raised: a lasting state is reported once per episode. It reports whether
// e was published.
func (d *Dispatcher) Raise(key string, e Event) bool {
	d.mu.Lock()
	if d.raised[key] {
		d.mu.Unlock()
		return false
	}
	d.raised[key] = true
	d.mu.Unlock()
	d.Publish(e)
	return true
}

// Clear ends the condition key's episode: the next Raise publishes again.
func (d *Dispatcher) Clear(key string) {
	d.mu.Lock()
	delete(d.raised, key)
	d.mu.Unlock()
}

// run delivers w's queue until the notifier is removed or the dispatcher closes.
func (d *Dispatcher) run(w *worker) {
	defer d.wg.Done()
	ctx, cancel := context.WithCancel(d.ctx)
	defer cancel()
	go func() {
		select {
		case <-w.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		e, ok := w.q.pop(ctx)
		if !ok || ctx.Err() != nil {
			n := w.q.drain()
			if ok {
				n++ // popped after the give-up: not attempted
			}
			if n > 0 { // given up at Close: what is left is lost
				d.m.dropped.WithLabelValues(w.name).Add(float64(n))
				d.log.Warn("notifications not delivered before the agent stopped", "notifier", w.name, "dropped", n)
			}
			return
		}
		d.m.queued.WithLabelValues(w.name).Set(float64(w.q.len()))
		d.deliver(ctx, w, e)
	}
}

// deliver makes up to MaxAttempts attempts at e, waiting Backoff between them; a permanent
// refusal ends it at once.
func (d *Dispatcher) deliver(ctx context.Context, w *worker, e Event) {
	log := d.log.With("notifier", w.name, "event", e.Event, "server", e.Server)
	for attempt := 1; ; attempt++ {
		spec := w.current()
		actx, cancel := context.WithTimeout(ctx, d.opt.Timeout)
		err := d.send(actx, spec, e)
		cancel()
		if err == nil {
			d.m.deliveries.WithLabelValues(w.name, ResultSuccess).Inc()
			log.Info("notification sent", "type", spec.Type, "attempts", attempt)
			return
		}
		if IsPermanent(err) || attempt >= d.opt.MaxAttempts || ctx.Err() != nil || d.draining() {
			d.m.deliveries.WithLabelValues(w.name, ResultFailure).Inc()
			log.Error("notification not delivered", "type", spec.Type, "attempts", attempt, "permanent", IsPermanent(err), "err", err)
			return
		}
		delay := d.opt.Backoff.Delay(attempt)
		log.Warn("notification attempt failed; retrying", "attempt", attempt, "retry_in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		case <-d.closing: // the next attempt is the last
			t.Stop()
		}
	}
}

// draining reports whether Close was called.
func (d *Dispatcher) draining() bool {
	select {
	case <-d.closing:
		return true
	default:
		return false
	}
}

// send makes one attempt at delivering e with spec.
func (d *Dispatcher) send(ctx context.Context, spec *manifests.NotifierSpec, e Event) error {
	switch spec.Type {
	case manifests.NotifierWebhook:
		var secret []byte
		if spec.SecretRef != (manifests.SecretRef{}) {
			s, err := spec.SecretRef.Resolve()
			if err != nil {
				return permanent(err)
			}
			secret = []byte(s)
		}
		return postWebhook(ctx, d.opt.HTTPClient, spec.URL, e.Event, secret, e.JSON(), "vaultkeeper/"+d.opt.Version)
	case manifests.NotifierSMTP:
		c, err := resolveSMTP(spec)
		if err != nil {
			return err
		}
		return sendMail(ctx, c, e.Mail(spec.From, spec.To))
	}
	return permanent(errors.New("unknown notifier type " + spec.Type))
}

// Close stops taking events and delivers what is queued for at most timeout, with no more
// retries (a message waiting for its retry gets one more attempt at once); then attempts in
// flight are cancelled and the rest is dropped (counted). It returns once every worker
// has stopped.
func (d *Dispatcher) Close(timeout time.Duration) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	close(d.closing)
	for _, w := range d.workers {
		w.q.close()
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		d.cancel()
		<-done
	}
	d.cancel()
}
