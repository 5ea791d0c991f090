package inference

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// plug names a plugin for a test node: its source directory, kind and config.
type plug struct {
	dir, kind string
	conf      map[string]string
}

var (
	builtin = func(kind string, conf map[string]string) plug { return plug{"../../plugins/" + kind, kind, conf} }
	guest   = func(name, kind string, conf map[string]string) plug {
		return plug{"testdata/guests/" + name, kind, conf}
	}
)

type testService struct {
	*Service
	reg *plugin.Registry
	t   *testing.T
}

func newService(t *testing.T, plugs ...plug) *testService {
	t.Helper()
	tinyPath := filepath.Join(t.TempDir(), "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], tinyPath); err != nil {
		t.Fatal(err)
	}
	mgr, err := models.New([]models.Spec{{Name: "tiny", Path: tinyPath, Engine: engine.Options{Parallel: 2, ContextSize: 512, BatchSize: 256}}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mgr.Close)
	reg := plugin.NewRegistry(plugintest.NewRuntime(t), plugin.RegistryConfig{Currencies: []string{"USD"}})
	t.Cleanup(reg.Close)
	var ms []plugin.Manifest
	for _, p := range plugs {
		ms = append(ms, plugintest.Manifest(t, p.kind, p.kind, plugintest.Build(t, p.dir), p.conf))
	}
	if err := reg.Apply(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	return &testService{Service: &Service{Models: mgr, Plugins: reg, Store: cache.New(1<<20, nil), CheckpointTokens: 4, Log: plugintest.Logger(t)}, reg: reg, t: t}
}

// reload swaps the plugin of kind for one built from p.
func (s *testService) reload(p plug) {
	s.t.Helper()
	if err := s.reg.Reload(context.Background(), plugintest.Manifest(s.t, p.kind, p.kind, plugintest.Build(s.t, p.dir), p.conf)); err != nil {
		s.t.Fatal(err)
	}
}

func chatRequest(content string, maxTokens int) *Request {
	sp := engine.DefaultSampling()
	sp.Temperature = 0
	seed := uint32(7)
	sp.Seed = &seed
	for _, id := range modelgen.EndTokens { // greedy runs to its length wherever floating point differs
		sp.LogitBias = append(sp.LogitBias, engine.TokenBias{Token: id, Bias: -100})
	}
	return &Request{Endpoint: Chat, Messages: []chat.Message{{Role: "user", Content: content}},
		Engine: engine.Request{MaxTokens: maxTokens, Sampling: sp}}
}

// recorder is a sink that keeps every write and can be told to fail.
type recorder struct {
	writes  []string
	failAt  int // the write number (1-based) that fails; 0 never
	onWrite func(n int)
}

func (r *recorder) Begin(Head) error { return nil }

func (r *recorder) Write(text string) error {
	if r.failAt > 0 && len(r.writes)+1 == r.failAt {
		return errors.New("client gone")
	}
	r.writes = append(r.writes, text)
	if r.onWrite != nil {
		r.onWrite(len(r.writes))
	}
	return nil
}

func (r *recorder) text() string { return strings.Join(r.writes, "") }

func (s *testService) run(req *Request, sink Sink) (*Result, *Error) {
	return s.Run(context.Background(), req, Caller{Transport: "test", Client: "c"}, sink)
}

// The client is billed for the tokens whose text reached its sink, not
// for what the engine generated after it stopped taking them.
func TestBillingCountsWhatReachedTheSink(t *testing.T) {
	s := newService(t, guest("quoter", "pricing", map[string]string{"input": "3", "output": "5"}))
	whole := &recorder{}
	res, e := s.run(chatRequest("the green river", 40), whole)
	if e != nil || res.Finish != engine.FinishLength || res.Usage.CompletionTokens != 40 {
		t.Fatalf("full run: %+v %v", res, e)
	}
	if want := int64(3*res.Usage.PromptTokens + 5*40); *res.CostNanos != want {
		t.Fatalf("full run cost %d, want %d", *res.CostNanos, want)
	}

	// The same greedy answer, to a client that takes three pieces.
	cut := &recorder{failAt: 4}
	res, e = s.run(chatRequest("the green river", 40), cut)
	if e == nil || e.Kind != KindCancelled || res.Finish != engine.FinishCancelled {
		t.Fatalf("cut run: %+v %v", res, e)
	}
	if len(cut.writes) != 3 || !strings.HasPrefix(whole.text(), cut.text()) {
		t.Fatalf("cut run delivered %q of %q", cut.writes, whole.text())
	}
	// Tokens that carried those three pieces: replay the engine.
	m, release, _ := s.Models.Get(context.Background(), "tiny")
	defer release()
	p := m.Chat.Render(chatRequest("the green river", 40).Messages)
	toks, _ := m.Model.TokenizePrompt(context.Background(), p)
	gen := chatRequest("", 40).Engine
	gen.Tokens, gen.Stop = toks, m.Chat.Stops
	st, err := m.Model.Generate(context.Background(), gen)
	if err != nil {
		t.Fatal(err)
	}
	tokens, pieces := 0, 0
	for pieces < 3 {
		ev, _ := st.Next(context.Background())
		tokens += ev.Tokens
		if ev.Text != "" {
			pieces++
		}
	}
	st.Collect(context.Background())
	if res.Usage.CompletionTokens != tokens {
		t.Fatalf("billed %d output tokens, %d carried what was delivered", res.Usage.CompletionTokens, tokens)
	}
	if want := int64(3*res.Usage.PromptTokens + 5*tokens); *res.CostNanos != want {
		t.Fatalf("cut run cost %d, want %d", *res.CostNanos, want)
	}
}

// A safety plugin that faults cuts the response (fail closed), and the
// client pays nothing for an answer the node itself broke: it was charged
// for 8 tokens with 0 characters delivered before.
func TestAResponseCutByAFaultingPluginCostsNothing(t *testing.T) {
	s := newService(t, guest("faultysafety", "safety", nil), guest("quoter", "pricing", map[string]string{"input": "100", "output": "600"}))
	sink := &recorder{}
	res, e := s.run(chatRequest("hello", 8), sink)
	if e != nil {
		t.Fatal(e)
	}
	if res.Finish != engine.FinishContentFilter || sink.text() != "" || res.Usage.CompletionTokens != 0 || res.CostNanos == nil || *res.CostNanos != 0 {
		t.Fatalf("finish %s, delivered %q, %d tokens, cost %v", res.Finish, sink.text(), res.Usage.CompletionTokens, res.CostNanos)
	}
}

// A quote the node cannot bill without wrapping, already expired, or in a
// currency it does not take refuses the job: pricing fails closed.
func TestQuotesThatCannotBeBilledAreRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		conf map[string]string
	}{
		{"a price that wraps for 33 tokens", map[string]string{"input": "558992244657865201"}},
		{"the largest price", map[string]string{"output": "9223372036854775807"}},
		{"expired in 1970", map[string]string{"valid_until": "1"}},
		{"a negative price", map[string]string{"input": "-5"}},
		{"a currency the node does not accept", map[string]string{"currency": "EUR"}},
		{"a currency with escapes", map[string]string{"currency": "\x1b[31mUSD"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newService(t, guest("quoter", "pricing", c.conf))
			sink := &recorder{}
			res, e := s.run(chatRequest(strings.Repeat("word ", 30), 8), sink)
			if e == nil || e.Kind != KindPricing {
				t.Fatalf("served: %+v, %v", res, e)
			}
			if len(sink.writes) != 0 || strings.Contains(e.Message, "plugin") {
				t.Fatalf("wrote %q; client message %q", sink.writes, e.Message)
			}
		})
	}
}

// A client that left before the safety check is a cancelled request, not
// a refused prompt.
func TestCallerCancellationIsNeverAPolicyVerdict(t *testing.T) {
	s := newService(t, builtin("safety", nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, e := s.Run(ctx, chatRequest("hello", 4), Caller{}, &recorder{})
	if e == nil || e.Kind != KindCancelled {
		t.Fatalf("got %v, want a cancelled request", e)
	}
}

// Every plugin version is pinned when the request is admitted: a proof
// plugin swapped mid-stream mixed versions in one commitment chain.
func TestPluginVersionsArePinnedForTheWholeRequest(t *testing.T) {
	s := newService(t, guest("schemeproof", "proof", map[string]string{"scheme": "v1"}))
	sink := &recorder{onWrite: func(n int) {
		if n == 2 {
			s.reload(guest("schemeproof", "proof", map[string]string{"scheme": "v2"}))
		}
	}}
	res, e := s.run(chatRequest("the green river", 24), sink)
	if e != nil {
		t.Fatal(e)
	}
	if len(res.Commitments) < 3 {
		t.Fatalf("%d commitments", len(res.Commitments))
	}
	for _, c := range res.Commitments {
		if c.Scheme != "v1" {
			t.Fatalf("a commitment of the swapped-in version in the chain: %+v", res.Commitments)
		}
	}
	res, _ = s.run(chatRequest("the green river", 4), &recorder{})
	if res.Commitments[0].Scheme != "v2" {
		t.Fatalf("the next request still on the old version: %+v", res.Commitments)
	}
}

// A cached answer passes the output policy loaded when it is served: a
// phrase denied after it was cached was replayed before.
func TestCachedAnswersPassTheCurrentOutputPolicy(t *testing.T) {
	s := newService(t, builtin("cache", nil), builtin("safety", nil))
	first := &recorder{}
	res, e := s.run(chatRequest("the blue road", 12), first)
	if e != nil || res.Cache != CacheMiss || first.text() == "" {
		t.Fatalf("%+v %v", res, e)
	}
	words := strings.Fields(first.text())
	s.reload(builtin("safety", map[string]string{"deny_output": words[len(words)/2]}))
	second := &recorder{}
	res, e = s.run(chatRequest("the blue road", 12), second)
	if e != nil || res.Cache != CacheHit {
		t.Fatalf("%+v %v", res, e)
	}
	if res.Finish != engine.FinishContentFilter || strings.Contains(second.text(), words[len(words)/2]) {
		t.Fatalf("the cached answer passed the new filter: %s %q", res.Finish, second.text())
	}
}

// Every parameter that changes the answer is in the exact key and in the
// semantic scope: a json_object request got a cached non-JSON answer.
func TestTheCacheKeepsAnswersToDifferentParametersApart(t *testing.T) {
	s := newService(t, builtin("cache", map[string]string{"semantic_threshold": "0.0001"}))
	base := func() *Request { return chatRequest("the blue road", 8) }
	if res, e := s.run(base(), &recorder{}); e != nil || res.Cache != CacheMiss {
		t.Fatalf("%+v %v", res, e)
	}
	if res, _ := s.run(base(), &recorder{}); res.Cache != CacheHit {
		t.Fatalf("the same request: cache %s", res.Cache)
	}
	for name, change := range map[string]func(r *Request){
		"max_tokens":      func(r *Request) { r.Engine.MaxTokens = 9 },
		"stop":            func(r *Request) { r.Engine.Stop = []string{"zz"} },
		"top_k":           func(r *Request) { r.Engine.Sampling.TopK = 3 },
		"seed":            func(r *Request) { *r.Engine.Sampling.Seed = 8 },
		"logit_bias":      func(r *Request) { r.Engine.Sampling.LogitBias = []engine.TokenBias{{Token: 300, Bias: 1}} },
		"response_format": func(r *Request) { r.FormatName, r.Format, r.HasFormat = "json_object", abi.FormatJSON, true },
	} {
		r := base()
		change(r)
		if res, _ := s.run(r, &recorder{}); res.Cache.Hit() {
			t.Errorf("%s changed, served from the cache (%s)", name, res.Cache)
		}
	}
	// A similar prompt with the same parameters may be served.
	if res, _ := s.run(chatRequest("the blue road!", 8), &recorder{}); res.Cache != CacheHitSemantic {
		t.Errorf("a similar prompt: cache %s", res.Cache)
	}
}

// A cache hit is priced as one: the pricing plugin decides what it costs.
func TestCacheHitsArePricedAsCached(t *testing.T) {
	s := newService(t, builtin("cache", nil), guest("quoter", "pricing", map[string]string{"input": "2", "output": "10", "cached_output": "1"}))
	res, _ := s.run(chatRequest("the blue road", 6), &recorder{})
	hit, e := s.run(chatRequest("the blue road", 6), &recorder{})
	if e != nil || hit.Cache != CacheHit || hit.Quote.OutputNanosPerToken != 1 {
		t.Fatalf("%+v %v", hit, e)
	}
	if want := int64(2*hit.Usage.PromptTokens + 1*res.Usage.CompletionTokens); *hit.CostNanos != want || len(hit.Commitments) == 0 {
		t.Fatalf("hit cost %d, want %d; commitments %v", *hit.CostNanos, want, hit.Commitments)
	}
	if hit.generated != 0 || hit.Usage.CompletionTokens != res.Usage.CompletionTokens {
		t.Fatalf("a hit counted %d generated tokens, %d delivered", hit.generated, hit.Usage.CompletionTokens)
	}
}

// An answer cut to nothing by a stop sequence is an empty answer, not a
// failed redaction (the codec decodes empty bytes as nil).
func TestAnEmptyAnswerIsNotARedactionFailure(t *testing.T) {
	s := newService(t, builtin("safety", nil))
	full := &recorder{}
	if _, e := s.run(chatRequest("the blue road", 8), full); e != nil || full.text() == "" {
		t.Fatal(e)
	}
	req := chatRequest("the blue road", 8)
	req.Engine.Stop = []string{full.text()[:1]}
	var whole Collector
	res, e := s.run(req, &whole)
	if e != nil || res.Finish != engine.FinishStop || whole.Text() != "" || res.Blocked != "" {
		t.Fatalf("finish %s, text %q, blocked %q, %v", res.Finish, whole.Text(), res.Blocked, e)
	}
}

// Preparing a prompt (rendering, the safety check, tokenizing) waits for a
// place in the model's queue like generation does: 60,000 empty turns were
// tokenized before any limit applied, by as many requests as arrived.
// With every place taken, such a request is refused as overloaded, not
// measured; with a place free, it is measured and refused as too long.
func TestPromptPreparationTakesAPlaceInTheQueue(t *testing.T) {
	s := newService(t)
	m, release, err := s.Models.Get(context.Background(), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var held []*engine.Ticket
	for {
		ticket, err := m.Model.Admit()
		if err != nil {
			break
		}
		held = append(held, ticket)
	}
	req := chatRequest("", 4)
	req.Messages = make([]chat.Message, 60000)
	for i := range req.Messages {
		req.Messages[i].Role = "user"
	}
	if _, e := s.run(req, &recorder{}); e == nil || e.Kind != KindOverloaded {
		t.Fatalf("every place taken (%d): got %v, want overloaded", len(held), e)
	}
	for _, ticket := range held {
		ticket.Release()
	}
	if _, e := s.run(req, &recorder{}); e == nil || e.Kind != KindContextLength {
		t.Fatalf("a place free: got %v, want context too long", e)
	}
}
