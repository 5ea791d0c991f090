package inference

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/metrics"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
)

// DefaultCheckpointTokens is how many delivered output tokens a proof
// checkpoint covers, as in the marketplace's submitProofOfWork cadence.
const DefaultCheckpointTokens = 1000

// Service runs requests. Every field but Models is optional.
type Service struct {
	Models   *models.Manager
	Plugins  *plugin.Registry // nil: no policies
	Store    *cache.Store     // nil: no response cache
	Payments Payments         // nil: Free
	Metrics  *metrics.Metrics // nil: not recorded
	Log      hclog.Logger
	// CheckpointTokens is how many delivered output tokens one proof
	// checkpoint covers; 0: DefaultCheckpointTokens.
	CheckpointTokens int
	// LogPrompts puts prompt and completion, redacted where the safety
	// plugin can, in the request log line.
	LogPrompts bool
}

// Caller is who sends a request, as its transport established it.
type Caller struct {
	Transport string // "http", "p2p": for the log and metrics
	// Client identifies the client to the policies (cache scope, pricing,
	// safety): an authenticated session, a peer id, or what the transport
	// chose to trust.
	Client string
	// Credentials are the transport's payment evidence, for the payment
	// step; nil when the client sent none.
	Credentials any
}

// Result is what a request came to. Run fills what it reached.
type Result struct {
	Head
	Finish      engine.FinishReason
	Usage       engine.Usage // CompletionTokens counts what was delivered
	Quote       *abi.Quote
	CostNanos   *int64 // what was delivered, at the quote
	Cache       CacheState
	Commitments []Commitment
	Blocked     string                // why the output was cut
	Format      *plugin.FormatVerdict // how the response_format came out
	Payment     Notice                // the payment step's last word (a receipt request)

	generated int         // tokens the engine sampled (not cache hits)
	times     []time.Time // when each generated token was sampled
	prompt    string      // for the log, when it shows prompts
	text      string
}

// Run serves req from caller into sink, top to bottom. Errors before
// sink.Begin leave the sink untouched; after it, the error is the
// response's end (a stream's last event). The Result is filled as far as
// the request got, for every outcome.
func (s *Service) Run(ctx context.Context, req *Request, caller Caller, sink Sink) (*Result, *Error) {
	res := &Result{Head: Head{ID: newID(req.Endpoint), Created: time.Now()}}
	e := s.run(ctx, req, caller, sink, res)
	s.record(req, caller, res, e)
	return res, e
}

func (s *Service) run(ctx context.Context, req *Request, caller Caller, sink Sink, res *Result) *Error {
	// The model, loaded on first use, and the parameters it can serve.
	loaded, release, err := s.Models.Get(ctx, req.Model)
	if err != nil {
		return modelError(ctx, req.Model, err)
	}
	defer release()
	m := loaded.Model
	res.Model = loaded.Name
	field := promptParam(req)
	if err := m.Check(req.Engine); err != nil {
		return engineError(ctx, field, err)
	}

	// A place in the model's queue: it bounds everything below, the
	// prompt's preparation included, by the same limits as generation.
	ticket, err := m.Admit()
	if err != nil {
		return engineError(ctx, field, err)
	}
	defer ticket.Release()

	// One version of every plugin for the whole request, so a hot swap
	// cannot mix two versions in one answer.
	plugins := s.plugins().Pin()
	defer plugins.Release()

	// The prompt: rendered (message content is never a control token),
	// checked by the safety plugin, which may rewrite it, and tokenized.
	prompt, stops := render(m, loaded.Chat, req)
	prompt, e := s.checkPrompt(ctx, plugins, loaded.Name, caller.Client, prompt)
	if e != nil {
		return e
	}
	tokens, err := m.TokenizePrompt(ctx, prompt)
	if err != nil {
		return engineError(ctx, field, err)
	}
	gen := req.Engine
	gen.Tokens, gen.Stop = tokens, append(slices.Clone(gen.Stop), stops...)
	res.Usage.PromptTokens = len(tokens)
	if s.LogPrompts {
		res.prompt = prompt.String()
	}

	// The cache: the policy plugin's decision, then an exact lookup. A
	// semantic lookup needs the prompt's embedding, which the engine
	// returns with the first token, before any decoding is spent.
	cached := s.answers(ctx, plugins, loaded, caller.Client, req, gen, prompt)
	var hit *cachedAnswer
	if cached.on() {
		res.Cache = CacheMiss
		if a, ok := cached.lookup(nil); ok {
			hit, res.Cache = a, CacheHit
		}
	}
	gen.Embed = hit == nil && cached.semantic()

	// The price, quoted for the most this request can cost (a cached
	// answer priced as one), then the payment step on that.
	maxOut := gen.MaxTokens
	if maxOut == 0 {
		maxOut = m.Options().ContextSize - len(tokens)
	}
	if hit != nil {
		maxOut = hit.Tokens
	}
	quote, maxCost, e := s.quote(ctx, plugins, loaded.Name, caller.Client, m.Stats(), len(tokens), maxOut, hit != nil)
	if e != nil {
		return e
	}
	res.Quote = quote
	pay, err := s.payments().Authorize(ctx, Admission{Caller: caller, Model: loaded.Name, ModelSHA256: loaded.SHA256,
		Quote: quote, PromptTokens: len(tokens), MaxTokens: maxOut, MaxCost: maxCost, Streaming: req.Stream})
	if err != nil {
		return paymentError(ctx, err)
	}

	// The source of the text: the cached answer, or the engine.
	genCtx, stopGenerating := context.WithCancel(ctx)
	defer stopGenerating()
	var stream *engine.Stream
	var rep *replay
	if hit != nil {
		ticket.Release() // a hit needs no slot
		rep = replayOf(hit)
	} else if stream, err = ticket.Generate(genCtx, gen); err != nil {
		return engineError(ctx, field, err)
	}

	// The response: begun, then every piece of text through the output
	// policies to the sink. Policies still run (and the final proof is
	// still committed) after generation stopped.
	if err := sink.Begin(res.Head); err != nil {
		return ended(ctx, err)
	}
	out := newOutput(ctx, s.log(), plugins, req, res.ID, parseSHA256(loaded.SHA256),
		s.checkpointTokens(), sink, pay, len(tokens), s.LogPrompts)
	var embedding []float32
	var genErr error
	for {
		var ev engine.Event
		var ok bool
		if rep != nil {
			ev, ok = rep.next()
		} else {
			ev, ok = stream.Next(genCtx)
		}
		if !ok || ev.Abandoned {
			break // the end of a stopped generation is read below
		}
		if ev.Embedding != nil {
			embedding = ev.Embedding
			if a, ok := cached.lookup(embedding); ok {
				// A similar prompt was answered before: if serving that
				// costs no more than the quote, stop decoding and serve it.
				if q, _, e := s.quote(ctx, plugins, loaded.Name, caller.Client, m.Stats(), len(tokens), a.Tokens, true); e == nil && cheaper(q, quote) {
					stopGenerating()
					_, res.generated, res.Usage.CachedTokens = drain(stream, ev.Tokens)
					stream, rep, res.Cache, res.Quote, quote = nil, replayOf(a), CacheHitSemantic, q, q
					continue
				}
			}
		}
		if rep == nil && ev.Tokens > 0 {
			res.generated += ev.Tokens
			res.times = append(res.times, ev.At)
		}
		if rep == nil {
			cached.record(ev.Text, ev.Tokens)
		}
		if !out.write(ev.Text, ev.Tokens) {
			stopGenerating() // cut by the safety filter, or the client takes no more
			break
		}
		if ev.Done {
			res.Finish, genErr = ev.Finish, ev.Err
			res.Usage.CachedTokens = ev.Usage.CachedTokens
			if rep == nil {
				res.generated = ev.Usage.CompletionTokens
			}
		}
	}
	if stream != nil && res.Finish == "" {
		// Stopped before the end: the engine's own count of what it
		// generated arrives with the Done event, one step later.
		stopGenerating()
		res.Finish, res.generated, res.Usage.CachedTokens = drain(stream, res.generated)
	}
	switch {
	case out.blocked != "":
		res.Finish = engine.FinishContentFilter
	case out.stopped != nil || ctx.Err() != nil:
		res.Finish = engine.FinishCancelled
	}
	out.finish(res.Finish == engine.FinishStop || res.Finish == engine.FinishLength)
	if out.blocked != "" {
		res.Finish = engine.FinishContentFilter
	}
	res.Commitments, res.Blocked, res.Format = out.proofs, out.blocked, out.verdict
	if out.keep != nil {
		res.text = out.keep.String()
	}

	// Billing: what reached the sink, at the quote. A response the node
	// itself broke (an engine error, a failing safety plugin) costs
	// nothing.
	res.Usage.CompletionTokens = out.delivered
	bill := Bill{Quote: quote, PromptTokens: len(tokens), OutputTokens: out.delivered}
	if quote != nil {
		if res.Finish != engine.FinishError && !out.fault {
			bill.CostNanos, _ = Cost(*quote, bill.PromptTokens, bill.OutputTokens) // at most maxCost, which fits
		}
		res.CostNanos = &bill.CostNanos
	}
	res.Payment = pay.Done(bill)

	// The cache keeps complete answers from the engine.
	if res.Cache == CacheMiss && out.blocked == "" && (res.Finish == engine.FinishStop || res.Finish == engine.FinishLength) {
		cached.remember(res.Finish, embedding)
	}
	var refused *Error
	switch {
	case errors.As(out.stopped, &refused):
		return refused // the payment step ended it (a credit window with no receipt)
	case res.Finish == engine.FinishCancelled:
		return ended(ctx, errors.Join(out.stopped, ctx.Err()))
	case res.Finish == engine.FinishError:
		return newError(KindInternal, genErr, "generation failed")
	}
	return nil
}

// drain reads a stopped generation to its Done event, for the engine's
// counts: tokens generated (at least seen), and prompt tokens reused. The
// scheduler ends a cancelled request at its next step; the wait is
// bounded all the same.
func drain(st *engine.Stream, seen int) (engine.FinishReason, int, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		ev, ok := st.Next(ctx)
		if !ok {
			return engine.FinishCancelled, seen, 0
		}
		if ev.Done {
			return ev.Finish, max(seen, ev.Usage.CompletionTokens), ev.Usage.CachedTokens
		}
		seen += ev.Tokens
	}
}

// render builds the prompt and the template's extra stop sequences.
func render(m *engine.Model, f *chat.Format, req *Request) (chat.Prompt, []string) {
	if req.Endpoint == Completion {
		// The client writes the whole prompt, markers included.
		return m.SplitSpecial(req.Prompt), nil
	}
	return f.Render(req.Messages), f.Stops
}

func promptParam(req *Request) string {
	if req.Endpoint == Completion {
		return "prompt"
	}
	return "messages"
}

// checkPrompt asks the safety plugin; a rewrite keeps the template's
// markers only where they stand in the original rendering.
func (s *Service) checkPrompt(ctx context.Context, plugins *plugin.Set, model, client string, p chat.Prompt) (chat.Prompt, *Error) {
	v, err := plugins.Safety().CheckPrompt(ctx, abi.PromptCheck{Model: model, Client: client, Prompt: []byte(p.String())})
	if err != nil && ctx.Err() != nil {
		return nil, ended(ctx, err) // the client left: not a verdict
	}
	if err != nil {
		s.log().Warn("safety check failed; denying", "error", err)
	}
	switch v.Action {
	case abi.ActionDeny:
		e := newError(KindDenied, err, "prompt refused by the safety policy: %s", v.Reason)
		e.Param = "messages"
		return nil, e
	case abi.ActionRewrite:
		return realign(p, string(v.Rewritten)), nil
	}
	return p, nil
}

// answers asks the cache plugin about the request and scopes its answer
// to every parameter that changes the answer.
func (s *Service) answers(ctx context.Context, plugins *plugin.Set, m *models.Loaded, client string, req *Request, gen engine.Request, prompt chat.Prompt) *answers {
	a := &answers{store: s.Store}
	if s.Store == nil {
		return a
	}
	cr := abi.CacheRequest{Model: m.Name, Client: client, Prompt: []byte(prompt.String()),
		Temperature: gen.Sampling.Temperature, MaxTokens: uint32(gen.MaxTokens)} // MaxTokens <= the context size
	if gen.Sampling.Seed != nil {
		cr.Seed, cr.HasSeed = uint64(*gen.Sampling.Seed), true
	}
	pol, err := plugins.Cache().Policy(ctx, cr)
	if err != nil {
		s.log().Warn("cache policy failed; not caching", "error", err)
	}
	if pol.Cacheable {
		params := answerParams(m.SHA256, req, gen)
		pol.Key = append(slices.Clone(pol.Key), params...)
		pol.Scope = append(slices.Clone(pol.Scope), params...)
	}
	a.policy = pol
	return a
}

// quote prices promptTokens and up to maxOut output tokens; the cost of
// the most the request can take must fit, or the node refuses the job.
// With no pricing plugin configured the quote is nil: the request is free.
func (s *Service) quote(ctx context.Context, plugins *plugin.Set, model, client string, st engine.Stats, promptTokens, maxOut int, cached bool) (*abi.Quote, int64, *Error) {
	q, err := plugins.Pricing().Quote(ctx, abi.QuoteRequest{
		Model: model, Client: client, PromptTokens: uint32(promptTokens), MaxTokens: uint32(maxOut),
		Load: loadSnapshot(st), UnixMillis: time.Now().UnixMilli(), Cached: cached,
	})
	switch {
	case errors.Is(err, plugin.ErrNotConfigured):
		return nil, 0, nil // a node without a pricing policy serves for free
	case err != nil && ctx.Err() != nil:
		return nil, 0, ended(ctx, err)
	case err != nil:
		return nil, 0, newError(KindPricing, err, "the node cannot price this request right now")
	}
	max, err := Cost(q, promptTokens, maxOut)
	if err != nil {
		return nil, 0, newError(KindPricing, err, "the node cannot price this request: its quote overflows")
	}
	return &q, max, nil
}

// loadSnapshot is the scheduler's load as a pricing plugin sees it.
func loadSnapshot(st engine.Stats) abi.LoadSnapshot {
	return abi.LoadSnapshot{QueueDepth: uint32(st.Queued), ActiveRequests: uint32(st.Busy), Slots: uint32(st.Slots)}
}

func paymentError(ctx context.Context, err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case ctx.Err() != nil:
		return ended(ctx, err)
	}
	return newError(KindPaymentRequired, err, "payment refused")
}

func (s *Service) plugins() *plugin.Registry {
	if s.Plugins == nil {
		return emptyRegistry
	}
	return s.Plugins
}

var emptyRegistry = plugin.NewRegistry(nil, plugin.RegistryConfig{})

func (s *Service) payments() Payments {
	if s.Payments == nil {
		return Free{}
	}
	return s.Payments
}

func (s *Service) log() hclog.Logger {
	if s.Log == nil {
		return hclog.NewNullLogger()
	}
	return s.Log
}

func (s *Service) checkpointTokens() int {
	if s.CheckpointTokens > 0 {
		return s.CheckpointTokens
	}
	return DefaultCheckpointTokens
}

// parseSHA256 decodes a hex digest; a malformed one yields zeros.
func parseSHA256(s string) [32]byte {
	var d [32]byte
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		copy(d[:], b)
	}
	return d
}

func newID(ep Endpoint) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	prefix := "chatcmpl-"
	if ep == Completion {
		prefix = "cmpl-"
	}
	return prefix + hex.EncodeToString(b[:])
}
