// Package api is the agent's HTTP surface: the status page / (package statuspage),
// /metrics, /healthz, /readyz, the read-only JSON API under /api/v1/ (rendered from one
// reconciler.Reading per request), the write actions (POST, bearer token from the state dir)
// and, when given, the git webhook.
package api
