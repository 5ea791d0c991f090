package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"
)

// Admin serves the node's operator endpoints (POST /admin/plugins/reload).
// It is never mounted on the public listener: the node serves it on its
// own, a unix socket only the operator's user can open, or an address
// where every request must carry the bearer token.
type Admin struct {
	// Token, when set, must come as "Authorization: Bearer <token>".
	Token string
	// ReloadPlugin hot-swaps one plugin by name.
	ReloadPlugin func(ctx context.Context, name string) error
	// Routes add the operator endpoints of other subsystems (the libp2p
	// host's /admin/p2p/...) to this listener, behind the same token.
	Routes []func(*http.ServeMux)
}

// Handler routes the admin endpoints.
func (a *Admin) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/plugins/reload", a.handleReload)
	for _, add := range a.Routes {
		add(mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("unknown_url", "Unknown admin URL: %s %s", r.Method, truncate(r.URL.Path, 256)))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+a.Token)) != 1 {
			writeError(w, &apiError{status: http.StatusUnauthorized, Type: "permission_error", Message: "admin requests need the node's bearer token"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (a *Admin) handleReload(w http.ResponseWriter, r *http.Request) {
	b, e := readBody(w, r, 4096, 10*time.Second)
	if e != nil {
		writeError(w, e)
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		writeError(w, invalid("", "request body is not a JSON object: %v", err))
		return
	}
	if body.Name == "" {
		writeError(w, invalid("name", "name of the plugin to reload is required"))
		return
	}
	if a.ReloadPlugin == nil {
		writeError(w, notFound("plugins_not_configured", "this node does not manage plugins"))
		return
	}
	start := time.Now()
	if err := a.ReloadPlugin(r.Context(), body.Name); err != nil {
		writeError(w, &apiError{status: http.StatusUnprocessableEntity, Type: "invalid_request_error", Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reloaded": body.Name, "took_ms": time.Since(start).Milliseconds()})
}
