package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/fabnode/fabnode/host/api"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/models"
	"github.com/fabnode/fabnode/host/plugin"
	"github.com/fabnode/fabnode/host/plugin/cache"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

type policyNode struct {
	*testNode
	reg *plugin.Registry
	pub ed25519.PublicKey
}

// startWithPlugins serves the tiny model with the given built-in plugins
// (kind -> config) loaded from their real .wasm builds.
func startWithPlugins(t *testing.T, plugins map[string]map[string]string) *policyNode {
	t.Helper()
	return startWithPluginsConfig(t, plugins, api.Config{})
}

func startWithPluginsConfig(t *testing.T, plugins map[string]map[string]string, cfg api.Config) *policyNode {
	t.Helper()
	pub, key, _ := ed25519.GenerateKey(nil)
	reg := plugin.NewRegistry(plugintest.NewRuntime(t), plugin.RegistryConfig{Signer: plugin.Ed25519Signer(key)})
	t.Cleanup(reg.Close)
	var ms []plugin.Manifest
	for kind, conf := range plugins {
		ms = append(ms, plugintest.Manifest(t, kind, kind, plugintest.Build(t, "../../plugins/"+kind), conf))
	}
	if err := reg.Apply(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	mgr, err := models.New([]models.Spec{{Name: "tiny", Path: tinyPath, Engine: engine.Options{Parallel: 4, ContextSize: 1024, BatchSize: 256}}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := &inference.Service{Models: mgr, Plugins: reg, Store: cache.New(1<<20, nil), CheckpointTokens: 8, Log: plugintest.Logger(t)}
	cfg.NodeKey = hex.EncodeToString(pub)
	srv := httptest.NewServer(api.New(cfg, svc, nil).Handler())
	t.Cleanup(func() {
		srv.Close()
		mgr.Close()
	})
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("unused"), option.WithMaxRetries(0))
	return &policyNode{testNode: &testNode{url: srv.URL, client: client, mgr: mgr}, reg: reg, pub: pub}
}

func TestLoggedPromptsAreRedacted(t *testing.T) {
	var logs bytes.Buffer
	reg := plugin.NewRegistry(plugintest.NewRuntime(t), plugin.RegistryConfig{})
	t.Cleanup(reg.Close)
	if err := reg.Load(context.Background(), plugintest.Manifest(t, "safety", "safety", plugintest.Build(t, "../../plugins/safety"), map[string]string{"redact": "email"})); err != nil {
		t.Fatal(err)
	}
	mgr, err := models.New([]models.Spec{{Name: "tiny", Path: tinyPath, Engine: engine.Options{Parallel: 1, ContextSize: 512}}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	log := hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Info})
	svc := &inference.Service{Models: mgr, Plugins: reg, Log: log, LogPrompts: true}
	srv := httptest.NewServer(api.New(api.Config{}, svc, log).Handler())
	defer srv.Close()
	status, body := rawPost(t, srv.URL, "/v1/chat/completions", `{"model":"tiny","max_tokens":4,"messages":[{"role":"user","content":"mail me at jane.doe@example.com"}]}`)
	if status != 200 {
		t.Fatalf("status %d: %v", status, body)
	}
	if strings.Contains(logs.String(), "jane.doe@example.com") || !strings.Contains(logs.String(), "mail me at [email]") {
		t.Fatalf("request log with log_prompts on:\n%s", logs.String())
	}
}

type fabnodeExt struct {
	Quote *struct {
		Input    int64  `json:"input_nanos_per_token"`
		Output   int64  `json:"output_nanos_per_token"`
		Currency string `json:"currency"`
	} `json:"quote"`
	CostNanos   *int64                 `json:"cost_nanos"`
	Cache       string                 `json:"cache"`
	Commitments []inference.Commitment `json:"commitments"`
	Blocked     string                 `json:"blocked"`
	Format      *struct {
		Valid   bool   `json:"valid"`
		Problem string `json:"problem"`
	} `json:"format"`
}

func extOf(t *testing.T, raw string) fabnodeExt {
	t.Helper()
	var v struct {
		Fabnode fabnodeExt `json:"fabnode"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return v.Fabnode
}

func TestResponsesCarryQuoteCostAndSignedProofs(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{
		"pricing": {"input_per_mtok": "0.20", "output_per_mtok": "0.60", "currency": "USD"},
		"proof":   nil,
	})
	resp, err := n.client.Chat.Completions.New(context.Background(), chatParams("what does it cost", 20))
	if err != nil {
		t.Fatal(err)
	}
	ext := extOf(t, resp.RawJSON())
	if ext.Quote == nil || ext.Quote.Input != 200 || ext.Quote.Output != 600 || ext.Quote.Currency != "USD" {
		t.Fatalf("quote %+v", ext.Quote)
	}
	if want := resp.Usage.PromptTokens*200 + resp.Usage.CompletionTokens*600; ext.CostNanos == nil || *ext.CostNanos != want {
		t.Fatalf("cost %v, want %d for usage %+v", ext.CostNanos, want, resp.Usage)
	}
	// 20 tokens with checkpoints every 8: two checkpoints and the final.
	if len(ext.Commitments) != 3 || ext.Commitments[2].Kind != "final" || ext.Commitments[2].TokenEnd != 20 {
		t.Fatalf("commitments %+v", ext.Commitments)
	}
	for _, c := range ext.Commitments {
		d, _ := hex.DecodeString(c.Digest)
		sig, _ := hex.DecodeString(c.Signature)
		if !ed25519.Verify(n.pub, d, sig) {
			t.Fatalf("commitment %+v does not verify against the node key", c)
		}
	}
	// A response shorter than a checkpoint still settles with one final
	// commitment over all its tokens.
	short, err := n.client.Chat.Completions.New(context.Background(), chatParams("short", 5))
	if err != nil {
		t.Fatal(err)
	}
	if c := extOf(t, short.RawJSON()).Commitments; len(c) != 1 || c[0].Kind != "final" || c[0].TokenStart != 0 || c[0].TokenEnd != 5 {
		t.Fatalf("short job commitments %+v", c)
	}
	// The quote endpoint prices the same way.
	if q := inputPrice(t, n.url); q != 200 {
		t.Fatalf("quote endpoint: %d", q)
	}
	// Operators see the plugins' activity in /metrics.
	r, err := http.Get(n.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	for _, want := range []string{`fabnode_plugin_calls_total{kind="pricing",plugin="pricing"} 3`, `fabnode_plugin_healthy{kind="proof",plugin="proof"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// inputPrice asks GET /v1/quote for the input price per token.
func inputPrice(t *testing.T, url string) int64 {
	t.Helper()
	r, err := http.Get(url + "/v1/quote?model=tiny&prompt_tokens=10&max_tokens=100")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var q struct {
		Input int64 `json:"input_nanos_per_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil || r.StatusCode != 200 {
		t.Fatalf("quote endpoint: %d %v", r.StatusCode, err)
	}
	return q.Input
}

func TestSafetyDeniesPromptsAndCutsStreams(t *testing.T) {
	// Find a phrase the model will print, then forbid it.
	plain := start(t, 1)
	full, _, _, _, err := streamChat(context.Background(), plain, chatParams("tell me a story", 40))
	if err != nil || len(full) < 20 {
		t.Fatalf("baseline output %q: %v", full, err)
	}
	phrase := strings.TrimSpace(full[len(full)/2 : len(full)/2+6])
	n := startWithPlugins(t, map[string]map[string]string{
		"safety": {"deny_prompt": "forbidden topic", "deny_output": phrase},
	})
	_, err = n.client.Chat.Completions.New(context.Background(), chatParams("let us discuss the Forbidden Topic", 8))
	var apiErr *openai.Error
	if !asOpenAIError(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "content_filter" {
		t.Fatalf("denied prompt: %v", err)
	}
	got, _, _, finish, err := streamChat(context.Background(), n.testNode, chatParams("tell me a story", 40))
	if err != nil {
		t.Fatal(err)
	}
	if finish != "content_filter" || strings.Contains(strings.ToLower(got), strings.ToLower(phrase)) {
		t.Fatalf("blocked phrase %q: finish %q, received %q", phrase, finish, got)
	}
	if !strings.HasPrefix(full, got) {
		t.Fatalf("filtered stream %q is not a prefix of the unfiltered %q", got, full)
	}
}

func TestCachePolicyServesRepeats(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{"cache": {"ttl": "1m"}})
	first, err := n.client.Chat.Completions.New(context.Background(), chatParams("cache me", 12))
	if err != nil {
		t.Fatal(err)
	}
	second, err := n.client.Chat.Completions.New(context.Background(), chatParams("cache me", 12))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := extOf(t, first.RawJSON()).Cache, extOf(t, second.RawJSON()).Cache; a != "miss" || b != "hit" {
		t.Fatalf("cache states %q then %q", a, b)
	}
	if first.Choices[0].Message.Content != second.Choices[0].Message.Content {
		t.Fatal("cached answer differs")
	}
	other := chatParams("cache me", 12)
	other.Stop = openai.ChatCompletionNewParamsStopUnion{OfString: openai.String("zzz")}
	third, err := n.client.Chat.Completions.New(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	if extOf(t, third.RawJSON()).Cache != "miss" {
		t.Fatal("a request with different stop sequences was served from the cache")
	}
}

// The acceptance test of hot swap: a different pricing .wasm replaces the
// running one under load; no request fails and the new price shows at once.
func TestPricingHotSwapUnderLoad(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{"pricing": {"input_per_mtok": "0.10", "output_per_mtok": "0.30"}})
	quote := func() int64 { return inputPrice(t, n.url) }
	if got := quote(); got != 100 {
		t.Fatalf("initial quote %d", got)
	}
	var failures, done atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				_, _, _, _, err := streamChat(context.Background(), n.testNode, chatParams(fmt.Sprintf("load %d %d", i, k), 6))
				if err != nil {
					failures.Add(1)
					t.Log(err)
				}
				done.Add(1)
			}
		}()
	}
	for done.Load() < 6 {
		quote() // let the load start
	}
	demand := plugintest.Manifest(t, "pricing", "pricing", plugintest.Build(t, "../../examples/pricing-demand"),
		map[string]string{"input_per_mtok": "0.50", "output_per_mtok": "1.50", "step_per_queued": "0"})
	if err := n.reg.Reload(context.Background(), demand); err != nil {
		t.Fatal(err)
	}
	after := quote()
	before := done.Load()
	for done.Load() < before+6 {
		quote()
	}
	close(stop)
	wg.Wait()
	if after != 500 {
		t.Fatalf("quote right after the swap: %d, want 500", after)
	}
	if f := failures.Load(); f != 0 {
		t.Fatalf("%d of %d requests failed during the swap", f, done.Load())
	}
}

func asOpenAIError(err error, target **openai.Error) bool {
	e, ok := err.(*openai.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestSemanticCacheAnswersSimilarPrompts(t *testing.T) {
	// With a safety plugin too: the answer of a semantic hit still passes
	// redaction after the generation was stopped.
	n := startWithPlugins(t, map[string]map[string]string{"cache": {"ttl": "1m", "semantic_threshold": "0.9"}, "safety": {"redact": "email"}})
	first, err := n.client.Chat.Completions.New(context.Background(), chatParams("Alpha asks: what is the price of the node?", 16))
	if err != nil {
		t.Fatal(err)
	}
	// Another prompt with the same ending: the engine's embedding of it
	// (the hidden state at the last token) is close to the first one's.
	second, err := n.client.Chat.Completions.New(context.Background(), chatParams("Beta asks: what is the price of the node?", 16))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := extOf(t, first.RawJSON()).Cache, extOf(t, second.RawJSON()).Cache; a != "miss" || b != "hit-semantic" {
		t.Fatalf("cache states %q then %q", a, b)
	}
	if first.Choices[0].Message.Content != second.Choices[0].Message.Content {
		t.Fatal("semantic hit returned a different answer")
	}
	// Streams are answered the same way.
	got, _, _, finish, err := streamChat(context.Background(), n.testNode, chatParams("Gamma asks: what is the price of the node?", 16))
	if err != nil || got != first.Choices[0].Message.Content || finish != "length" {
		t.Fatalf("streamed semantic hit: %q %q %v", got, finish, err)
	}
}

// TestStreamedFormatMatchesWholeAnswer asks for each response_format whole
// and streamed: the stream is shaped chunk by chunk (after the safety
// filter) into exactly the text the whole answer gets, and arrives in
// pieces, not as one block at the end.
func TestStreamedFormatMatchesWholeAnswer(t *testing.T) {
	n := startWithPlugins(t, map[string]map[string]string{"safety": nil, "format": nil})
	ctx := context.Background()
	for _, format := range []string{"html", "plain", "markdown"} {
		opt := option.WithJSONSet("response_format", map[string]string{"type": format})
		whole, err := n.client.Chat.Completions.New(ctx, chatParams("write a short list", 48), opt)
		if err != nil {
			t.Fatal(err)
		}
		want := whole.Choices[0].Message.Content
		if f := extOf(t, whole.RawJSON()).Format; f == nil || !f.Valid {
			t.Fatalf("%s: whole answer's format verdict %+v", format, f)
		}
		st := n.client.Chat.Completions.NewStreaming(ctx, chatParams("write a short list", 48), opt)
		var got strings.Builder
		chunks := 0
		var ext fabnodeExt
		for st.Next() {
			c := st.Current()
			if len(c.Choices) > 0 && c.Choices[0].Delta.Content != "" {
				got.WriteString(c.Choices[0].Delta.Content)
				chunks++
			}
			if len(c.Choices) > 0 && c.Choices[0].FinishReason != "" {
				ext = extOf(t, c.RawJSON())
			}
		}
		if err := st.Err(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Errorf("%s: streamed\n%q\nwhole\n%q", format, got.String(), want)
		}
		if ext.Format == nil || !ext.Format.Valid {
			t.Errorf("%s: stream's format verdict %+v", format, ext.Format)
		}
		if chunks < 4 {
			t.Errorf("%s: %d content chunks for %d bytes: the stream was not shaped as it went", format, chunks, len(want))
		}
		if format == "html" && !strings.HasPrefix(want, "<") {
			t.Errorf("html answer %q does not start with a tag", want)
		}
	}
}
