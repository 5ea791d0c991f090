package api

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/policy"
)

// extension is fabnode's addition to OpenAI response objects, under the
// "fabnode" key that OpenAI clients ignore: the price the request was
// served at, what it cost, whether it came from the cache, and the signed
// proof commitments over the output.
type extension struct {
	Quote       *quoteJSON          `json:"quote,omitempty"`
	CostNanos   *int64              `json:"cost_nanos,omitempty"`
	Cache       string              `json:"cache,omitempty"`
	Commitments []policy.Commitment `json:"commitments,omitempty"`
	NodeKey     string              `json:"node_key,omitempty"`
	Blocked     string              `json:"blocked,omitempty"`
	// Format reports how the requested response_format came out.
	Format *formatJSON `json:"format,omitempty"`
}

type formatJSON struct {
	Valid   bool   `json:"valid"`
	Problem string `json:"problem,omitempty"`
}

type quoteJSON struct {
	Model               string `json:"model,omitempty"`
	InputNanosPerToken  int64  `json:"input_nanos_per_token"`
	OutputNanosPerToken int64  `json:"output_nanos_per_token"`
	Currency            string `json:"currency"`
	ValidUntilUnixMilli int64  `json:"valid_until_unix_ms"`
}

func toQuoteJSON(model string, q abi.Quote) *quoteJSON {
	return &quoteJSON{Model: model, InputNanosPerToken: q.InputNanosPerToken, OutputNanosPerToken: q.OutputNanosPerToken,
		Currency: q.Currency, ValidUntilUnixMilli: q.ValidUntilUnixMilli}
}

// cachedAnswer is what the response cache stores.
type cachedAnswer struct {
	Text   string       `json:"text"`
	Finish string       `json:"finish"`
	Usage  engine.Usage `json:"usage"`
}

// guard is one request's policy state.
type guard struct {
	s         *Server
	client    string
	quote     *abi.Quote
	cache     abi.CachePolicy
	embedding []float32 // the prompt's, when the cache policy is semantic
	job       *policy.Job
	ext       extension
}

// lookup asks the store for an answer, by key or (with embedding) by
// similarity.
func (g *guard) lookup(embedding []float32) (*cachedAnswer, bool) {
	b, ok := g.s.policy.Lookup(g.cache, embedding)
	if !ok {
		return nil, false
	}
	var a cachedAnswer
	if json.Unmarshal(b, &a) != nil {
		return nil, false
	}
	return &a, true
}

// admit runs the policies that decide whether and at what price a request
// is served. It may rewrite the prompt. A non-nil answer is a cache hit.
func (s *Server) admit(ctx context.Context, m *models.Loaded, f *samplingFields, req *engine.Request, jobID string) (*guard, *cachedAnswer, *apiError) {
	g := &guard{s: s, client: f.User, ext: extension{NodeKey: s.cfg.NodeKey, Cache: "off"}}
	if s.policy == nil {
		return g, nil, nil
	}
	prompt, err := s.policy.CheckPrompt(ctx, m.Name, g.client, req.Prompt)
	var denied *policy.ErrDenied
	if errors.As(err, &denied) {
		e := invalid("messages", "%s", denied.Error())
		e.Code = strptr("content_filter")
		return nil, nil, e
	}
	req.Prompt = prompt

	cr := abi.CacheRequest{Model: m.Name, Client: g.client, Prompt: []byte(prompt), Temperature: req.Sampling.Temperature, MaxTokens: uint32(req.MaxTokens)}
	if req.Sampling.Seed != nil {
		cr.Seed, cr.HasSeed = uint64(*req.Sampling.Seed), true
	}
	// Stop sequences and the output format change the answer but are not in
	// the plugin's request, so they extend its key.
	g.cache = s.policy.CachePolicy(ctx, cr)
	if g.cache.Cacheable {
		extra, _ := json.Marshal([]any{req.Stop, req.Sampling, f.ResponseFormat})
		g.cache.Key = append(g.cache.Key, extra...)
		g.ext.Cache = "miss"
		if a, ok := g.lookup(nil); ok {
			g.ext.Cache = "hit"
			return g, a, nil
		}
		// A semantic match needs the prompt's embedding, which the engine
		// computes while prefilling: the check happens at the first token,
		// before any decoding is spent (see pump).
		req.Embed = g.cache.SimilarityThreshold > 0
	}

	// The quote needs the prompt's size; the engine reuses these tokens.
	tokens, err := m.Model.Tokenize(prompt)
	if err != nil {
		return nil, nil, &apiError{status: http.StatusInternalServerError, Type: "server_error", Message: err.Error()}
	}
	req.Tokens = tokens
	q, err := s.policy.Quote(ctx, abi.QuoteRequest{
		Model: m.Name, Client: g.client, PromptTokens: uint32(len(tokens)), MaxTokens: uint32(req.MaxTokens),
		Load: loadSnapshot(m.Model.Stats()),
	})
	switch {
	case err == nil:
		g.quote = &q
		g.ext.Quote = toQuoteJSON("", q)
	case !errors.Is(err, plugin.ErrNotConfigured):
		return nil, nil, &apiError{status: http.StatusServiceUnavailable, Type: "server_error", Code: strptr("pricing_unavailable"),
			Message: "the node cannot price this request right now: " + err.Error()}
	}
	// A stream is shaped chunk by chunk; a whole answer once, at the end.
	var streamFormat *abi.Format
	if ff, ok := formatOf(f); ok && f.Stream {
		streamFormat = &ff
	}
	g.job = s.policy.StartJob(jobID, policy.ParseSHA256(m.SHA256), streamFormat)
	return g, nil, nil
}

// chunk filters generated text; blocked ends the response.
func (g *guard) chunk(ctx context.Context, text string, tokens int) (string, bool) {
	if g.job == nil {
		return text, false
	}
	emit, blocked, err := g.job.Chunk(ctx, text, tokens)
	if err != nil {
		g.s.log.Warn("output policy failed", "error", err)
	}
	return emit, blocked
}

// finish flushes held-back text and commits the final proof.
func (g *guard) finish(ctx context.Context) (string, bool) {
	if g.job == nil {
		return "", false
	}
	emit, blocked, err := g.job.Finish(ctx)
	if err != nil {
		g.s.log.Warn("output policy failed at the end of the response", "error", err)
	}
	g.ext.Commitments = g.job.Commitments()
	g.ext.Blocked = g.job.BlockReason()
	if v := g.job.FormatVerdict(); v != nil {
		g.ext.Format = &formatJSON{Valid: v.Valid, Problem: v.Problem}
	}
	return emit, blocked
}

// passthrough stops shaping the output: what follows was shaped before.
func (g *guard) passthrough() {
	if g.job != nil {
		g.job.Passthrough()
	}
}

func (g *guard) close() {
	if g.job != nil {
		g.job.Close()
	}
}

// bill records the cost of what was delivered.
func (g *guard) bill(u engine.Usage) {
	if g.quote == nil {
		return
	}
	cost := int64(u.PromptTokens)*g.quote.InputNanosPerToken + int64(u.CompletionTokens)*g.quote.OutputNanosPerToken
	g.ext.CostNanos = &cost
}

// remember stores a finished answer for the cache policy.
func (g *guard) remember(a cachedAnswer) {
	if g.s.policy == nil || !g.cache.Cacheable || g.ext.Cache != "miss" {
		return
	}
	// Only complete answers: never one cut by the safety filter, an error
	// or a client that left.
	if f := engine.FinishReason(a.Finish); f != engine.FinishStop && f != engine.FinishLength {
		return
	}
	b, err := json.Marshal(a)
	if err == nil {
		g.s.policy.Remember(g.cache, b, g.embedding)
	}
}

// loadSnapshot is the scheduler's load as a pricing plugin sees it.
func loadSnapshot(st engine.Stats) abi.LoadSnapshot {
	return abi.LoadSnapshot{QueueDepth: uint32(st.Queued), ActiveRequests: uint32(st.Busy), Slots: uint32(st.Slots)}
}

func (s *Server) handleQuote(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("model")
	if name == "" {
		name = s.models.Default()
	}
	if _, ok := s.models.Spec(name); !ok {
		writeError(w, notFound("model_not_found", "The model `%s` does not exist", name))
		return
	}
	num := func(key string) (uint32, *apiError) {
		v := q.Get(key)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, invalid(key, "%s must be a non-negative integer, got %q", key, v)
		}
		return uint32(n), nil
	}
	pt, e := num("prompt_tokens")
	if e != nil {
		writeError(w, e)
		return
	}
	mt, e := num("max_tokens")
	if e != nil {
		writeError(w, e)
		return
	}
	if s.policy == nil {
		writeError(w, notFound("pricing_not_configured", "this node has no pricing policy"))
		return
	}
	var load abi.LoadSnapshot
	for _, st := range s.models.List() {
		if st.Name == name && st.Loaded {
			load = loadSnapshot(st.Stats)
		}
	}
	quote, err := s.policy.Quote(r.Context(), abi.QuoteRequest{Model: name, Client: q.Get("client"), PromptTokens: pt, MaxTokens: mt, Load: load, UnixMillis: time.Now().UnixMilli()})
	if err != nil {
		status := http.StatusServiceUnavailable
		if errors.Is(err, plugin.ErrNotConfigured) {
			status = http.StatusNotFound
		}
		writeError(w, &apiError{status: status, Type: "server_error", Code: strptr("pricing_unavailable"), Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, toQuoteJSON(name, quote))
}

// handleReload hot-swaps one plugin. Only the node's own host may ask.
func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		writeError(w, &apiError{status: http.StatusForbidden, Type: "permission_error", Message: "plugin reload is only accepted from the node's own host"})
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if e := decodeBody(w, r, 4096, &body); e != nil {
		writeError(w, e)
		return
	}
	if body.Name == "" {
		writeError(w, invalid("name", "name of the plugin to reload is required"))
		return
	}
	if s.cfg.ReloadPlugin == nil {
		writeError(w, notFound("plugins_not_configured", "this node does not manage plugins"))
		return
	}
	start := time.Now()
	if err := s.cfg.ReloadPlugin(r.Context(), body.Name); err != nil {
		writeError(w, &apiError{status: http.StatusUnprocessableEntity, Type: "invalid_request_error", Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reloaded": body.Name, "took_ms": time.Since(start).Milliseconds()})
}
