// Package httpguard builds the agent's HTTP servers so that nobody gets in through them: the
// API listener (--listen) and an optional metrics listener (--metrics-listen) serving only
// /metrics, /healthz and /readyz.
//
// On a listener that is not loopback every /api/v1 request (GET included) needs the API token
// as "Authorization: Bearer TOKEN", the status page and every other path need it through
// HTTP Basic auth (any user name, the token as password) or Bearer, /metrics, /healthz and
// /readyz stay open for Prometheus, and /webhook keeps its own HMAC check. A non-loopback API
// listener without TLS (--tls-cert/--tls-key) is refused unless --insecure-api is given.
// On a loopback listener the Host header must name the listener (localhost, the loopback
// address or the configured host), which defeats DNS rebinding from a browser on the host.
//
// Every server has ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout and
// MaxHeaderBytes, and its listener caps the number of open connections. Streaming handlers
// lift the write deadline for themselves with NoWriteTimeout.
package httpguard
