package httpguard

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// short are limits small enough for tests; the assertions never depend on their values.
var short = Limits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond,
	WriteTimeout: 300 * time.Millisecond, IdleTimeout: 200 * time.Millisecond}

// closedByServer reports whether the server closed conn: a read returns EOF or a reset
// (after any bytes still in flight) well before the client's own 20 s deadline.
func closedByServer(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept the connection open")
	}
}

func TestIdleClientIsCutOff(t *testing.T) {
	s := start(t, Config{Listen: "127.0.0.1:0", Limits: short}, echo)
	t.Run("connects and sends nothing", func(t *testing.T) {
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		closedByServer(t, conn)
	})
	t.Run("keep-alive connection after a request", func(t *testing.T) {
		conn, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 || resp.Close {
			t.Fatalf("status %d, close %v: want a kept-alive 200", resp.StatusCode, resp.Close)
		}
		closedByServer(t, conn)
	})
}

func TestSlowClientIsCutOff(t *testing.T) {
	var bodyErr atomic.Value
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			bodyErr.Store(err)
			return
		}
		w.Write([]byte("ok " + r.URL.Path))
	})
	s := start(t, Config{Listen: "127.0.0.1:0", Limits: short}, h)
	for _, c := range []struct {
		name, head string
		trickle    string // sent one byte every 20 ms after head
	}{
		{"slow headers", "POST /webhook HTTP/1.1\r\n", "Host: localhost\r\nX-Slow: " + strings.Repeat("a", 5000)},
		{"slow body", "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n", strings.Repeat("b", 5000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			sent := make(chan int, 1)
			go func() {
				n := 0
				if _, err := io.WriteString(conn, c.head); err == nil {
					for ; n < len(c.trickle); n++ {
						if _, err := conn.Write([]byte{c.trickle[n]}); err != nil {
							break
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				sent <- n
			}()
			closedByServer(t, conn)
			conn.Close()
			if n := <-sent; n == len(c.trickle) {
				t.Fatal("the whole slow request went through")
			}
			if c.name == "slow body" {
				if err, _ := bodyErr.Load().(error); err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("the handler's body read ended with %v, want a deadline error", err)
				}
			}
		})
	}
}

func TestWriteTimeoutSparesStreaming(t *testing.T) {
	results := make(chan error, 2)
	stream := func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		for start := time.Now(); time.Since(start) < 20*time.Second; {
			if _, err := w.Write([]byte(strings.Repeat("x", 512) + "\n")); err != nil {
				results <- err
				return
			}
			if err := rc.Flush(); err != nil {
				results <- err
				return
			}
			// A streaming handler outlives three write timeouts without an error.
			if r.URL.Path == "/stream" && time.Since(start) > 3*short.WriteTimeout {
				results <- nil
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		results <- errors.New("no write failed within 20 s")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plain", stream)
	mux.Handle("/stream", NoWriteTimeout(http.HandlerFunc(stream)))
	s := start(t, Config{Listen: "127.0.0.1:0", Limits: short}, mux)
	for _, c := range []struct {
		path    string
		wantErr bool
	}{{"/plain", true}, {"/stream", false}} {
		resp, err := http.Get("http://" + s.Addr() + c.path)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err := <-results; (err != nil) != c.wantErr {
			t.Errorf("%s: handler's writes ended with %v, want error %v", c.path, err, c.wantErr)
		}
	}
}

func TestConnectionCap(t *testing.T) {
	const limit, clients = 2, 6
	var active, peak atomic.Int32
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := active.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		active.Add(-1)
		w.Write([]byte("ok"))
	})
	lim := DefaultLimits()
	lim.MaxConns = limit
	s := start(t, Config{Listen: "127.0.0.1:0", Limits: lim}, h)
	var wg sync.WaitGroup
	var wrote atomic.Int32
	errs := make(chan error, clients)
	for range clients {
		wg.Go(func() {
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Add(1) }}
			req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), "GET", "http://"+s.Addr()+"/x", nil)
			resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
		})
	}
	// Every client has sent its request (the kernel queues the connections beyond the cap)
	// and the first ones are being served.
	eventually(t, "all requests sent and the first ones served", func() bool { return wrote.Load() == clients && active.Load() >= limit })
	if n := active.Load(); n != limit {
		t.Errorf("%d requests are being served at once, want %d", n, limit)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if p := peak.Load(); p != limit {
		t.Fatalf("%d requests were served at once, want at most (and at some point exactly) %d", p, limit)
	}
}

func TestHeaderSizeCap(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxHeaderBytes = 4 << 10
	s := start(t, Config{Listen: "127.0.0.1:0", Limits: lim}, echo)
	req, _ := http.NewRequest("GET", "http://"+s.Addr()+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("h", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB of headers: status %d, want 431", resp.StatusCode)
	}
}
