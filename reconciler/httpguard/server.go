package httpguard

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"golang.org/x/net/netutil"
)

// Servers are the agent's running HTTP servers.
type Servers struct {
	api, metrics     *http.Server
	apiLn, metricsLn net.Listener
	tls              bool
}

// Start listens on cfg.Listen (and cfg.MetricsListen) and serves handler there, guarded
// as the package documentation says. It fails before serving anything when the token is
// empty, the TLS files cannot be loaded, or a non-loopback API listener would serve plain
// HTTP without InsecureAPI.
func Start(cfg Config, handler http.Handler) (*Servers, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Token == "" {
		return nil, errors.New("httpguard: an API token is required")
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, fmt.Errorf("--tls-cert %q and --tls-key %q: give both or neither", cfg.TLSCert, cfg.TLSKey)
	}
	var tlsCfg *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert %s / --tls-key %s: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	}
	lim := cfg.Limits.withDefaults()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("--listen %s: %w", cfg.Listen, err)
	}
	s := &Servers{apiLn: ln, tls: tlsCfg != nil}
	loop := isLoopback(ln.Addr())
	if !loop && tlsCfg == nil && !cfg.InsecureAPI {
		ln.Close()
		return nil, fmt.Errorf("--listen %s is not a loopback address and no --tls-cert/--tls-key is given: "+
			"the API token, the status and the webhook would cross the network in clear text; "+
			"give --tls-cert and --tls-key, or keep --listen on 127.0.0.1 and expose only --metrics-listen to Prometheus, "+
			"or pass --insecure-api if a TLS proxy on this host terminates the connection", cfg.Listen)
	}
	var h http.Handler
	if loop {
		h = checkHost(hostNames(cfg.Listen, ln.Addr()), handler)
	} else {
		h = requireToken(cfg.Token, handler)
		if tlsCfg == nil {
			log.Warn("the API listens beyond loopback over plain HTTP (--insecure-api): the token crosses the network in clear text", "listen", ln.Addr().String())
		}
		log.Info("the API listens beyond loopback: every API request needs the token", "listen", ln.Addr().String())
	}
	capped := netutil.LimitListener(ln, lim.MaxConns)
	if tlsCfg != nil {
		capped = tls.NewListener(capped, tlsCfg)
	}
	s.api = newServer(h, lim, log)
	go s.api.Serve(capped)

	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			s.api.Close()
			return nil, fmt.Errorf("--metrics-listen %s: %w", cfg.MetricsListen, err)
		}
		s.metricsLn = mln
		mh := onlyPaths(handler)
		if isLoopback(mln.Addr()) {
			mh = checkHost(hostNames(cfg.MetricsListen, mln.Addr()), mh)
		}
		s.metrics = newServer(mh, lim, log)
		go s.metrics.Serve(netutil.LimitListener(mln, lim.MaxConns))
	}
	return s, nil
}

func newServer(h http.Handler, lim Limits, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
}

// Addr is the API listener's address.
func (s *Servers) Addr() string { return s.apiLn.Addr().String() }

// URL is the API's base URL (http:// or https://).
func (s *Servers) URL() string {
	if s.tls {
		return "https://" + s.Addr()
	}
	return "http://" + s.Addr()
}

// MetricsAddr is the metrics listener's address, "" without one.
func (s *Servers) MetricsAddr() string {
	if s.metricsLn == nil {
		return ""
	}
	return s.metricsLn.Addr().String()
}

// Shutdown stops both servers gracefully until ctx ends, then closes them.
func (s *Servers) Shutdown(ctx context.Context) error {
	var errs []error
	for _, srv := range []*http.Server{s.api, s.metrics} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err, srv.Close())
		}
	}
	return errors.Join(errs...)
}
