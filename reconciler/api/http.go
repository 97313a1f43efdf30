package api

import (
	"encoding/json"
	"net/http"

	"github.com/vaultkeeper/vaultkeeper/reconciler"
	"github.com/vaultkeeper/vaultkeeper/reconciler/httpguard"
	"github.com/vaultkeeper/vaultkeeper/reconciler/statuspage"
)

// Handler serves the status page (/), /metrics, /healthz, /readyz, the read-only JSON API
// under /api/v1/, the write actions (POST, bearer token from the state dir) and, when given, the webhook.
func Handler(a *reconciler.Agent, token string, webhook http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		rev := a.Revision()
		if rev == "" {
			http.Error(w, "no valid revision applied yet", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok " + rev + "\n"))
	})
	mux.Handle("GET /{$}", statuspage.Handler(func() statuspage.Data { return PageData(a.Read()) }))
	mux.HandleFunc("GET /api/v1/{kind}", func(w http.ResponseWriter, r *http.Request) {
		v, ok := Views(a, r.PathValue("kind"))
		if !ok {
			http.Error(w, "unknown kind "+r.PathValue("kind"), http.StatusNotFound)
			return
		}
		writeJSON(w, v)
	})
	auth := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !httpguard.BearerOK(r, token) {
				refused(a.Log(), r)
				http.Error(w, "\"Authorization: Bearer TOKEN\" with a valid token is required (it is in the agent's state dir)", http.StatusUnauthorized)
				return
			}
			audited(a.Log(), token, h)(w, r)
		}
	}
	mux.HandleFunc("POST /api/v1/reconcile", auth(func(w http.ResponseWriter, r *http.Request) {
		obj := r.URL.Query().Get("object")
		if obj == "" || obj == "source" {
			a.Trigger()
		}
		if obj != "source" {
			if err := a.Request(obj); err != nil {
				http.Error(w, err.Error(), http.StatusNotFound)
				return
			}
		}
		writeJSON(w, map[string]string{"requested": obj})
	}))
	for _, verb := range []string{"suspend", "resume"} {
		mux.HandleFunc("POST /api/v1/"+verb, auth(func(w http.ResponseWriter, r *http.Request) {
			if err := a.Suspend(r.URL.Query().Get("object"), verb == "suspend"); err != nil {
				http.Error(w, err.Error(), http.StatusNotFound)
				return
			}
			writeJSON(w, map[string]string{verb: r.URL.Query().Get("object")})
		}))
	}
	mux.HandleFunc("POST /api/v1/shutdown", auth(func(w http.ResponseWriter, _ *http.Request) {
		a.RequestShutdown()
		writeJSON(w, map[string]string{"shutdown": "requested"})
	}))
	if webhook != nil {
		mux.Handle("/webhook", webhook)
	}
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
