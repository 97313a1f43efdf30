package promtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// Job is the job name the targets are scraped under; the alert rules expect it.
const Job = "vaultkeeper"

// Server is a running Prometheus.
type Server struct {
	// URL is Prometheus' base URL, e.g. http://127.0.0.1:40123.
	URL    string
	cmd    *exec.Cmd
	log    string
	done   chan struct{}
	client *http.Client
}

// Start starts Prometheus scraping targets (host:port, or URLs whose host:port is used; the
// path is /metrics) every second and evaluating ruleFiles every second. It waits until
// Prometheus is ready and stops it at the end of the test.
func Start(t testing.TB, targets []string, ruleFiles []string) *Server {
	t.Helper()
	bin := testtool.Require(t, "prometheus")
	dir := t.TempDir()
	cfg, err := config(targets, ruleFiles)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	// Prometheus cannot be told to pick its own port and report it, so it gets a port that was
	// free a moment ago; if another process took it meanwhile (Prometheus says "address already
	// in use" and exits), it starts again on another.
	for attempt := 1; ; attempt++ {
		s, err := launch(t, bin, cfgPath, dir, attempt)
		if err == nil {
			return s
		}
		if attempt == 3 || !errors.Is(err, errPortTaken) {
			t.Fatal(err)
		}
		t.Logf("prometheus, attempt %d: %v; again on another port", attempt, err)
	}
}

// errPortTaken is launch's error when Prometheus could not bind the port it was given.
var errPortTaken = errors.New("port taken")

// launch starts Prometheus on a free port and waits until it is ready; it is stopped at the
// end of the test.
func launch(t testing.TB, bin, cfgPath, dir string, attempt int) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:    "http://" + addr,
		log:    filepath.Join(dir, fmt.Sprintf("prometheus-%d.log", attempt)),
		done:   make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(dir, fmt.Sprintf("data-%d", attempt)),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.waitReady(ctx); err != nil {
		s.stop(t)
		if strings.Contains(s.Log(), "address already in use") {
			return nil, fmt.Errorf("prometheus at %s: %w: %v", s.URL, errPortTaken, err)
		}
		return nil, fmt.Errorf("prometheus at %s: %v\n%s", s.URL, err, s.Log())
	}
	t.Cleanup(func() { s.stop(t) })
	return s, nil
}

// Log is what Prometheus has written to stdout and stderr so far.
func (s *Server) Log() string {
	b, err := os.ReadFile(s.log)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return string(b)
}

// stop ends Prometheus (interrupt, then kill after 10 s) and waits for it.
func (s *Server) stop(t testing.TB) {
	select {
	case <-s.done:
		t.Logf("prometheus had exited before the end of the test:\n%s", s.Log())
		return
	default:
	}
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		_ = s.cmd.Process.Kill()
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *Server) waitReady(ctx context.Context) error {
	for {
		select {
		case <-s.done:
			return errors.New("exited before it was ready")
		default:
		}
		// /-/ready answers at once; a port held by another process may never answer.
		rctx, rcancel := context.WithTimeout(ctx, time.Second)
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, s.URL+"/-/ready", nil)
		if err != nil {
			rcancel()
			return err
		}
		resp, err := s.client.Do(req)
		rcancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// config is a Prometheus configuration for targets and ruleFiles (made absolute).
func config(targets, ruleFiles []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
	b.WriteString("rule_files:\n")
	for _, f := range ruleFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("rule file %q: %w", f, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("rule file %q: %w", f, err)
		}
		fmt.Fprintf(&b, "  - %q\n", abs)
	}
	fmt.Fprintf(&b, "scrape_configs:\n  - job_name: %s\n    static_configs:\n      - targets:\n", Job)
	for _, tg := range targets {
		hostport := tg
		if i := strings.Index(tg, "://"); i >= 0 {
			hostport = tg[i+3:]
		}
		hostport, _, _ = strings.Cut(hostport, "/")
		if _, _, err := net.SplitHostPort(hostport); err != nil {
			return nil, fmt.Errorf("target %q: %w", tg, err)
		}
		fmt.Fprintf(&b, "          - %q\n", hostport)
	}
	return b.Bytes(), nil
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago (a variable,
// so a test can hand out a taken one).
var freeAddr = func() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
