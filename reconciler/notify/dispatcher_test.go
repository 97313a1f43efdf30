package notify_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify"
	"github.com/vaultkeeper/vaultkeeper/reconciler/notify/notifytest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// fast retries: the tests count attempts, never time them.
var fast = outcome.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond}

func newDispatcher(t *testing.T, opt notify.Options) (*notify.Dispatcher, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	opt.Registerer, opt.Agent = reg, "aes01"
	if opt.Backoff == (outcome.Backoff{}) {
		opt.Backoff = fast
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	d := notify.New(opt)
	t.Cleanup(func() { d.Close(time.Second) })
	return d, reg
}

func webhook(name, url string, secret manifests.SecretRef, events ...string) *manifests.Notifier {
	n := &manifests.Notifier{Metadata: manifests.ObjectMeta{Name: name}}
	n.Spec = manifests.NotifierSpec{Type: manifests.NotifierWebhook, URL: url, SecretRef: secret, Events: events}
	return n
}

func failed(server string) notify.Event {
	return notify.Event{Event: manifests.EventBackupFailed, Server: server, Policy: "nightly", Message: "step export: ORA-01017"}
}

// counter reads vaultkeeper_notify_deliveries_total (or dropped_total) of one notifier.
func counter(t *testing.T, reg *prometheus.Registry, metric, notifier, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != metric {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if (l.GetName() == "notifier" && l.GetValue() != notifier) || (l.GetName() == "result" && l.GetValue() != result) {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	t.Fatalf("%s{notifier=%q,result=%q} not exported", metric, notifier, result)
	return 0
}

// series counts the series of metric.
func series(t *testing.T, reg *prometheus.Registry, metric string) int {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == metric {
			return len(mf.GetMetric())
		}
	}
	return 0
}

// waitCounter polls a counter until it reaches want.
func waitCounter(t *testing.T, reg *prometheus.Registry, metric, notifier, result string, want float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for counter(t, reg, metric, notifier, result) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s{%s,%s} = %v after 10 s, want %v", metric, notifier, result, counter(t, reg, metric, notifier, result), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWebhookDelivered: only the listed events are posted, as the documented JSON, signed
// with the secret the manifest names, and counted.
func TestWebhookDelivered(t *testing.T) {
	rcv := notifytest.NewReceiver(t, "hmac-key")
	t.Setenv("VK_TEST_HMAC", "hmac-key")
	d, reg := newDispatcher(t, notify.Options{})
	d.Configure([]*manifests.Notifier{webhook("ops", rcv.URL, manifests.SecretRef{Env: "VK_TEST_HMAC"}, manifests.EventBackupFailed)})
	if got := series(t, reg, "vaultkeeper_notify_deliveries_total"); got != 2 {
		t.Errorf("deliveries_total has %d series before any message, want success and failure at 0", got)
	}
	d.Publish(notify.Event{Event: manifests.EventRestoreSucceeded, Server: "aes-prod", Restore: "r"}) // not listed
	d.Publish(failed("aes-prod"))
	waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultSuccess, 1)
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want only the listed event's", len(reqs))
	}
	r := reqs[0]
	if !r.SignatureOK {
		t.Errorf("signature %q does not verify", r.Header.Get(notifytest.SignatureHeader))
	}
	p := r.Payload
	if p["event"] != "backupFailed" || p["server"] != "aes-prod" || p["policy"] != "nightly" || p["agent"] != "aes01" ||
		p["message"] != "step export: ORA-01017" || p["time"] == "" || !strings.Contains(p["text"], "Backup failed: aes-prod (policy nightly)") {
		t.Errorf("payload = %v", p)
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get(notify.HeaderEvent) != "backupFailed" {
		t.Errorf("headers = %v", r.Header)
	}
}

// TestWebhookRetry: a 503 is retried until the receiver takes the message; a 400 is not
// retried; a receiver that keeps failing gets MaxAttempts attempts, then a counted failure.
func TestWebhookRetry(t *testing.T) {
	cases := []struct {
		name          string
		fail, status  int
		wantHits      int
		wantResult    string
		wantDelivered int
	}{
		{"transient 503 twice", 2, http.StatusServiceUnavailable, 3, notify.ResultSuccess, 1},
		{"429 once", 1, http.StatusTooManyRequests, 2, notify.ResultSuccess, 1},
		{"permanent 400", 1, http.StatusBadRequest, 1, notify.ResultFailure, 0},
		{"404 wrong URL", 1, http.StatusNotFound, 1, notify.ResultFailure, 0},
		{"always 500", 100, http.StatusInternalServerError, 4, notify.ResultFailure, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rcv := notifytest.NewReceiver(t, "")
			rcv.FailNext(c.fail, c.status)
			d, reg := newDispatcher(t, notify.Options{MaxAttempts: 4})
			d.Configure([]*manifests.Notifier{webhook("ops", rcv.URL, manifests.SecretRef{}, manifests.EventBackupFailed)})
			d.Publish(failed("aes-prod"))
			waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", c.wantResult, 1)
			if got := rcv.Hits(); got != c.wantHits {
				t.Errorf("%d attempts, want %d", got, c.wantHits)
			}
			if got := len(rcv.Requests()); got != c.wantDelivered {
				t.Errorf("%d delivered, want %d", got, c.wantDelivered)
			}
		})
	}
}

// blockingReceiver holds every request until release is closed.
type blockingReceiver struct {
	got     chan string
	release chan struct{}
}

func newBlocking(t *testing.T) (*blockingReceiver, string) {
	b := &blockingReceiver{got: make(chan string, 100), release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.got <- string(body)
		select {
		case <-b.release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { b.unblock(); srv.Close() })
	return b, srv.URL
}

func (b *blockingReceiver) unblock() {
	select {
	case <-b.release:
	default:
		close(b.release)
	}
}

// TestQueueFullDropsOldest: while a receiver hangs, publishing never blocks; the queue keeps
// the newest messages and counts the dropped ones.
func TestQueueFullDropsOldest(t *testing.T) {
	b, url := newBlocking(t)
	d, reg := newDispatcher(t, notify.Options{QueueSize: 2})
	d.Configure([]*manifests.Notifier{webhook("ops", url, manifests.SecretRef{}, manifests.EventBackupFailed)})
	d.Publish(failed("s1"))
	first := <-b.got // in flight, held by the receiver
	for _, s := range []string{"s2", "s3", "s4", "s5"} {
		d.Publish(failed(s))
	}
	if got := counter(t, reg, "vaultkeeper_notify_dropped_total", "ops", ""); got != 2 {
		t.Errorf("dropped_total = %v, want 2 (s2, s3)", got)
	}
	if got := counter(t, reg, "vaultkeeper_notify_queue_length", "ops", ""); got != 2 {
		t.Errorf("queue_length = %v, want 2", got)
	}
	b.unblock()
	waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultSuccess, 3)
	got := []string{first, <-b.got, <-b.got}
	for i, want := range []string{`"server":"s1"`, `"server":"s4"`, `"server":"s5"`} {
		if !strings.Contains(got[i], want) {
			t.Errorf("delivery %d = %s, want %s", i, got[i], want)
		}
	}
}

// TestCloseDrains: Close delivers what is queued; a receiver that hangs is given up on at
// the timeout, the message in flight counted failed and the queued ones dropped.
func TestCloseDrains(t *testing.T) {
	t.Run("receiver up", func(t *testing.T) {
		rcv := notifytest.NewReceiver(t, "")
		d, _ := newDispatcher(t, notify.Options{})
		d.Configure([]*manifests.Notifier{webhook("ops", rcv.URL, manifests.SecretRef{}, manifests.EventBackupFailed)})
		for _, s := range []string{"s1", "s2", "s3"} {
			d.Publish(failed(s))
		}
		d.Close(time.Minute)
		if got := len(rcv.Requests()); got != 3 {
			t.Errorf("%d delivered when Close returned, want 3", got)
		}
		d.Publish(failed("late")) // ignored, never a panic
	})
	t.Run("receiver hangs", func(t *testing.T) {
		b, url := newBlocking(t)
		d, reg := newDispatcher(t, notify.Options{})
		d.Configure([]*manifests.Notifier{webhook("ops", url, manifests.SecretRef{}, manifests.EventBackupFailed)})
		for _, s := range []string{"s1", "s2", "s3"} {
			d.Publish(failed(s))
		}
		<-b.got
		d.Close(50 * time.Millisecond)
		if f, dr := counter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultFailure),
			counter(t, reg, "vaultkeeper_notify_dropped_total", "ops", ""); f != 1 || dr != 2 {
			t.Errorf("after Close: failure %v, dropped %v; want 1 and 2", f, dr)
		}
	})
}

// TestRaiseOncePerEpisode: a lasting condition is sent once until it is cleared.
func TestRaiseOncePerEpisode(t *testing.T) {
	rcv := notifytest.NewReceiver(t, "")
	d, reg := newDispatcher(t, notify.Options{})
	d.Configure([]*manifests.Notifier{webhook("ops", rcv.URL, manifests.SecretRef{}, manifests.EventBackupStale)})
	stale := notify.Event{Event: manifests.EventBackupStale, Server: "aes-prod", Policy: "nightly", Message: "newest set is 27h old"}
	key := "backupStale/nightly"
	sent := []bool{d.Raise(key, stale), d.Raise(key, stale), d.Raise(key, stale)}
	d.Clear(key)
	sent = append(sent, d.Raise(key, stale))
	if want := []bool{true, false, false, true}; boolsString(sent) != boolsString(want) {
		t.Errorf("Raise results %v, want %v", sent, want)
	}
	waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultSuccess, 2)
}

func boolsString(b []bool) string {
	var s strings.Builder
	for _, v := range b {
		if v {
			s.WriteByte('T')
		} else {
			s.WriteByte('F')
		}
	}
	return s.String()
}

// TestConfigure: a changed notifier uses its new spec for the next message; a removed one
// gets nothing more and its series go away.
func TestConfigure(t *testing.T) {
	a, b := notifytest.NewReceiver(t, ""), notifytest.NewReceiver(t, "")
	d, reg := newDispatcher(t, notify.Options{})
	d.Configure([]*manifests.Notifier{webhook("ops", a.URL, manifests.SecretRef{}, manifests.EventBackupFailed)})
	d.Publish(failed("s1"))
	waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultSuccess, 1)
	d.Configure([]*manifests.Notifier{webhook("ops", b.URL, manifests.SecretRef{}, manifests.EventBackupFailed)})
	d.Publish(failed("s2"))
	waitCounter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultSuccess, 2)
	if len(a.Requests()) != 1 || len(b.Requests()) != 1 || b.Requests()[0].Payload["server"] != "s2" {
		t.Errorf("requests: old URL %d, new URL %d; want 1 and 1 (s2)", len(a.Requests()), len(b.Requests()))
	}
	d.Configure(nil)
	d.Publish(failed("s3"))
	if n := series(t, reg, "vaultkeeper_notify_deliveries_total"); n != 0 {
		t.Errorf("%d series left of a removed notifier", n)
	}
	d.Close(time.Minute)
	if len(b.Requests()) != 1 {
		t.Error("a removed notifier still delivered")
	}
}

// TestCloseEndsRetries: a message waiting for its retry gets one last attempt when the
// dispatcher closes, not the rest of its backoff.
func TestCloseEndsRetries(t *testing.T) {
	rcv := notifytest.NewReceiver(t, "")
	rcv.FailNext(100, http.StatusServiceUnavailable)
	logs := &syncBuffer{}
	d, reg := newDispatcher(t, notify.Options{Backoff: outcome.Backoff{Base: time.Hour, Max: time.Hour},
		Log: slog.New(slog.NewTextHandler(logs, nil))})
	d.Configure([]*manifests.Notifier{webhook("ops", rcv.URL, manifests.SecretRef{}, manifests.EventBackupFailed)})
	d.Publish(failed("s1"))
	// Waiting for its retry (the log says so once the first attempt failed).
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "retrying") {
		if time.Now().After(deadline) {
			t.Fatalf("no retry logged after 10 s:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.Close(time.Hour) // returns after the last attempt, not after an hour
	if f, hits := counter(t, reg, "vaultkeeper_notify_deliveries_total", "ops", notify.ResultFailure), rcv.Hits(); f != 1 || hits != 2 {
		t.Errorf("failure %v after %d attempts; want 1 after 2 (the first, and one at Close)", f, hits)
	}
}

// syncBuffer is a log destination the test reads while the dispatcher writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
