package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/metrics"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/policy"
)

// Config tunes the API server.
type Config struct {
	MaxBodyBytes   int64         // larger bodies get 413; 0: 1 MiB
	RequestTimeout time.Duration // whole-request limit; 0: none
	LogPrompts     bool          // include prompt and completion text in request logs
	Version        string        // reported by /health
	NodeKey        string        // hex Ed25519 public key that verifies commitments
	// ReloadPlugin serves POST /admin/plugins/reload (loopback only).
	ReloadPlugin func(ctx context.Context, name string) error
}

// Server is the HTTP API over a model manager.
type Server struct {
	cfg     Config
	models  *models.Manager
	policy  *policy.Pipeline // nil: no policies
	metrics *metrics.Metrics
	log     hclog.Logger
	started time.Time
}

// New returns a server; its metrics read scheduler state from mgr. pipe
// runs the plugin policies around each request; nil serves without any.
func New(cfg Config, mgr *models.Manager, pipe *policy.Pipeline, log hclog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	s := &Server{cfg: cfg, models: mgr, policy: pipe, log: log.Named("api"), started: time.Now()}
	s.metrics = metrics.New(s.schedulerStats, s.pluginStats)
	return s
}

// Metrics exposes the server's collectors (for tests and embedding).
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// Handler routes the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/completions", s.handleCompletion)
	mux.HandleFunc("GET /v1/models", s.handleModels)
	mux.HandleFunc("GET /v1/models/{id...}", s.handleModel)
	mux.HandleFunc("GET /health", s.handleHealth)
	mux.HandleFunc("GET /v1/quote", s.handleQuote)
	mux.HandleFunc("POST /admin/plugins/reload", s.handleReload)
	mux.Handle("GET /metrics", s.metrics.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("unknown_url", "Unknown request URL: %s %s", r.Method, r.URL.Path))
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
	if s.policy == nil {
		return nil
	}
	reg := s.policy.Plugins
	var out []metrics.PluginStats
	for _, name := range reg.Names() {
		if p, ok := reg.Plugin(name); ok {
			st := p.Stats()
			out = append(out, metrics.PluginStats{Name: name, Kind: p.Kind().String(), Calls: st.Calls, Faults: st.Faults, Instances: st.Instances, Healthy: st.Healthy})
		}
	}
	return out
}

type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (s *Server) modelObject(name string) modelObject {
	return modelObject{ID: name, Object: "model", Created: s.started.Unix(), OwnedBy: "fabnode"}
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
		writeError(w, notFound("model_not_found", "The model `%s` does not exist", id))
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
	})
}

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
