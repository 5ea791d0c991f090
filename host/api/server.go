package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/metrics"
	"github.com/fabnode/fabnode/host/models"
)

// Config tunes the API server.
type Config struct {
	MaxBodyBytes   int64         // larger bodies get 413; 0: 1 MiB
	BodyTimeout    time.Duration // reading a request body; past it, 408; 0: none
	RequestTimeout time.Duration // whole-request limit; 0: none
	Version        string        // reported by /health
	NodeKey        string        // hex public key that verifies commitments
	// TrustUserField makes the body's `user` field the client's identity
	// (cache scope, pricing). Off, the client is its remote address: a
	// body cannot claim to be someone else.
	TrustUserField bool
	// Receipts takes clients' payment receipts; nil on a node that takes
	// no payments.
	Receipts ReceiptTaker
	// MetricsElsewhere leaves /metrics off this handler: the node serves
	// it on a listener of its own (MetricsHandler).
	MetricsElsewhere bool
}

// Server is the HTTP API over the inference service.
type Server struct {
	cfg     Config
	svc     *inference.Service
	models  *models.Manager
	metrics *metrics.Metrics
	log     hclog.Logger
	started time.Time
}

// New returns a server over svc. Its metrics are svc's when it has them,
// else a fresh set reading svc's models.
func New(cfg Config, svc *inference.Service, log hclog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	s := &Server{cfg: cfg, svc: svc, models: svc.Models, log: log.Named("api"), started: time.Now()}
	if svc.Metrics == nil {
		svc.Metrics = metrics.New(s.schedulerStats, s.pluginStats)
	}
	s.metrics = svc.Metrics
	return s
}

func (s *Server) schedulerStats() []metrics.SchedulerStats {
	var out []metrics.SchedulerStats
	for _, st := range s.models.List() {
		if st.Loaded {
			out = append(out, metrics.SchedulerStats{Model: st.Name, Queued: st.Stats.Queued, Busy: st.Stats.Busy, Slots: st.Stats.Slots})
		}
	}
	return out
}

func (s *Server) pluginStats() []metrics.PluginStats {
	reg := s.svc.Plugins
	if reg == nil {
		return nil
	}
	var out []metrics.PluginStats
	for _, name := range reg.Names() {
		if p, ok := reg.Plugin(name); ok {
			st := p.Stats()
			out = append(out, metrics.PluginStats{Name: name, Kind: p.Kind().String(), Calls: st.Calls, Faults: st.Faults, Instances: st.Instances, Healthy: st.Healthy})
		}
	}
	return out
}

// SetReceipts makes the server take payment receipts with r; call it
// before the server serves.
func (s *Server) SetReceipts(r ReceiptTaker) { s.cfg.Receipts = r }

// MetricsHandler serves GET /metrics alone, for a listener of its own.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	return mux
}

// Metrics exposes the server's collectors (for tests and embedding).
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// Handler routes the API. A known path asked with the wrong method gets
// 405 and an Allow header; an unknown path 404.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	route := func(method, path string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+path, h)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", method)
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, Type: "invalid_request_error",
				Message: "method " + r.Method + " is not allowed on " + r.URL.Path + "; use " + method})
		})
	}
	route("POST", "/v1/chat/completions", s.handleChat)
	route("POST", "/v1/completions", s.handleCompletion)
	route("GET", "/v1/models", s.handleModels)
	route("GET", "/v1/models/{id...}", s.handleModel)
	route("GET", "/v1/quote", s.handleQuote)
	route("POST", "/v1/sessions/{id}/receipts", s.handleReceipt)
	route("GET", "/health", s.handleHealth)
	if !s.cfg.MetricsElsewhere {
		route("GET", "/metrics", s.metrics.Handler().ServeHTTP)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("unknown_url", "Unknown request URL: %s %s", r.Method, truncate(r.URL.Path, 256)))
	})
	return s.withTimeout(mux)
}

func (s *Server) withTimeout(next http.Handler) http.Handler {
	if s.cfg.RequestTimeout <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
	// SHA256 is the model file's hash, its id on chain (a paid session
	// names it); absent until the file is hashed (loaded) unless pinned.
	SHA256 string `json:"sha256,omitempty"`
}

func (s *Server) modelObject(name string) modelObject {
	o := modelObject{ID: name, Object: "model", Created: s.started.Unix(), OwnedBy: "fabnode"}
	for _, st := range s.models.List() {
		if st.Name == name {
			o.SHA256 = st.SHA256
		}
	}
	return o
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	data := []modelObject{}
	for _, n := range s.models.Names() {
		data = append(data, s.modelObject(n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.models.Spec(id); !ok {
		writeError(w, notFound("model_not_found", "The model `%s` does not exist", truncate(id, 256)))
		return
	}
	writeJSON(w, http.StatusOK, s.modelObject(id))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	type modelHealth struct {
		Name         string `json:"name"`
		Loaded       bool   `json:"loaded"`
		Architecture string `json:"architecture,omitempty"`
		Parameters   uint64 `json:"parameters,omitempty"`
		Quantization string `json:"quantization,omitempty"`
		Slots        int    `json:"slots"`
		Busy         int    `json:"busy"`
		Queued       int    `json:"queued"`
	}
	var ms []modelHealth
	for _, st := range s.models.List() {
		ms = append(ms, modelHealth{Name: st.Name, Loaded: st.Loaded, Architecture: st.Info.Architecture,
			Parameters: st.Info.Parameters, Quantization: st.Info.Quantization,
			Slots: st.Stats.Slots, Busy: st.Stats.Busy, Queued: st.Stats.Queued})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "ok", "version": s.cfg.Version, "uptime_seconds": int(time.Since(s.started).Seconds()), "models": ms,
		"node_key": s.cfg.NodeKey, // the account that signs this node's commitments and is paid in its sessions
	})
}

func (s *Server) handleQuote(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(key string) (uint32, *apiError) {
		v := q.Get(key)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, invalid(key, "%s must be a non-negative 32-bit integer, got %q", key, truncate(v, 32))
		}
		return uint32(n), nil
	}
	pt, e := num("prompt_tokens")
	if e == nil {
		var mt uint32
		if mt, e = num("max_tokens"); e == nil {
			name, quote, ie := s.svc.Quote(r.Context(), inference.QuoteQuery{Model: q.Get("model"), Client: s.client(r, q.Get("client")), PromptTokens: pt, MaxTokens: mt})
			if ie == nil {
				writeJSON(w, http.StatusOK, toQuoteJSON(name, quote))
				return
			}
			e = s.refusal(ie)
		}
	}
	writeError(w, e)
}

// client is who the request is from: its remote address, or the body's
// `user` field where the operator trusts it.
func (s *Server) client(r *http.Request, user string) string {
	if s.cfg.TrustUserField && user != "" {
		return user
	}
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return "addr:" + host
}

// modelLabel is the metrics label of a request for name: a declared
// model, the default for none, or "unknown".
func (s *Server) modelLabel(name string) string {
	if name == "" {
		return s.models.Default()
	}
	if _, ok := s.models.Spec(name); ok {
		return name
	}
	return metrics.UnknownModel
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
