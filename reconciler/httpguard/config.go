package httpguard

import (
	"log/slog"
	"time"
)

// Limits bound what one client can hold of a server.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (a slow body is cut off).
	ReadTimeout time.Duration
	// WriteTimeout bounds the handler and the writing of its response, from the end of the
	// request headers; handlers wrapped in NoWriteTimeout are exempt.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection may wait for its next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header size.
	MaxHeaderBytes int
	// MaxConns caps the connections open at once on each listener; further clients wait
	// in the kernel's accept queue.
	MaxConns int
}

// DefaultLimits are the agent's limits: generous for the CLI, a browser and Prometheus,
// tight enough that idle or slow clients cannot pile up.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		MaxConns:          64,
	}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = d.MaxConns
	}
	return l
}

// Config says what to listen on and how to guard it.
type Config struct {
	// Listen is the API address (--listen).
	Listen string
	// MetricsListen, when set, is a second address serving only /metrics, /healthz and
	// /readyz, without authentication (--metrics-listen).
	MetricsListen string
	// TLSCert and TLSKey are PEM files; when both are set the API listener serves HTTPS.
	TLSCert, TLSKey string
	// InsecureAPI allows a non-loopback API listener without TLS (--insecure-api).
	InsecureAPI bool
	// Token is the API token; it must not be empty.
	Token string
	// Limits are the servers' timeouts and caps (zero fields: DefaultLimits).
	Limits Limits
	// Log receives the start-up warnings.
	Log *slog.Logger
}
