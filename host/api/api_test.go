package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/fabnode/fabnode/host/api"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/models"
)

var tinyPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "api-test")
	if err != nil {
		panic(err)
	}
	tinyPath = filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], tinyPath); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runsToMaxTokens is a logit_bias that keeps the model from ending a
// generation: a test that needs a long one sets it, since the tiny model
// samples its end token at random.
var runsToMaxTokens = func() string {
	b, _ := json.Marshal(modelgen.NoEnd())
	return `"logit_bias":` + string(b)
}()

type testNode struct {
	url    string
	client openai.Client
	mgr    *models.Manager
}

func start(t *testing.T, parallel int) *testNode {
	t.Helper()
	mgr, err := models.New([]models.Spec{{
		Name: "tiny", Path: tinyPath,
		Engine: engine.Options{Parallel: parallel, ContextSize: 1024, BatchSize: 256},
	}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{MaxBodyBytes: 1 << 20}, &inference.Service{Models: mgr}, nil).Handler())
	t.Cleanup(func() {
		srv.Close()
		mgr.Close()
	})
	client := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("unused"), option.WithMaxRetries(0))
	return &testNode{url: srv.URL, client: client, mgr: mgr}
}

func chatParams(prompt string, maxTokens int64) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:       "tiny",
		Messages:    []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
		MaxTokens:   openai.Int(maxTokens),
		Temperature: openai.Float(0),
		Seed:        openai.Int(1),
	}
}

// streamChat returns the streamed text, the number of content chunks and
// the usage chunk.
func streamChat(ctx context.Context, n *testNode, p openai.ChatCompletionNewParams) (string, int, *openai.CompletionUsage, string, error) {
	p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	st := n.client.Chat.Completions.NewStreaming(ctx, p)
	var text strings.Builder
	chunks := 0
	var usage *openai.CompletionUsage
	finish := ""
	for st.Next() {
		c := st.Current()
		if len(c.Choices) > 0 {
			if d := c.Choices[0].Delta.Content; d != "" {
				if !utf8.ValidString(d) {
					return "", 0, nil, "", fmt.Errorf("chunk %q is not valid UTF-8", d)
				}
				text.WriteString(d)
				chunks++
			}
			if c.Choices[0].FinishReason != "" {
				finish = c.Choices[0].FinishReason
			}
		}
		if c.Usage.TotalTokens > 0 {
			u := c.Usage
			usage = &u
		}
	}
	return text.String(), chunks, usage, finish, st.Err()
}

func TestStreamedChatArrivesTokenByToken(t *testing.T) {
	n := start(t, 2)
	ctx := context.Background()
	text, chunks, usage, finish, err := streamChat(ctx, n, chatParams("hello node", 24))
	if err != nil {
		t.Fatal(err)
	}
	if chunks < 10 {
		t.Fatalf("24 tokens arrived in %d chunks", chunks)
	}
	if usage == nil || usage.CompletionTokens != 24 || usage.PromptTokens == 0 || usage.TotalTokens != usage.PromptTokens+24 {
		t.Fatalf("usage %+v", usage)
	}
	if finish != "length" {
		t.Fatalf("finish_reason %q, want length", finish)
	}
	whole, err := n.client.Chat.Completions.New(ctx, chatParams("hello node", 24))
	if err != nil {
		t.Fatal(err)
	}
	if whole.Choices[0].Message.Content != text {
		t.Fatalf("streamed %q != whole %q", text, whole.Choices[0].Message.Content)
	}
	if whole.Object != "chat.completion" || whole.Usage.CompletionTokens != 24 || whole.Choices[0].FinishReason != "length" {
		t.Fatalf("unexpected response %+v", whole)
	}
}

func TestCompletions(t *testing.T) {
	n := start(t, 1)
	ctx := context.Background()
	p := openai.CompletionNewParams{
		Model:       "tiny",
		Prompt:      openai.CompletionNewParamsPromptUnion{OfString: openai.String("the river")},
		MaxTokens:   openai.Int(12),
		Temperature: openai.Float(0),
		Seed:        openai.Int(3),
	}
	whole, err := n.client.Completions.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	st := n.client.Completions.NewStreaming(ctx, p)
	var text strings.Builder
	for st.Next() {
		if c := st.Current(); len(c.Choices) > 0 {
			text.WriteString(c.Choices[0].Text)
		}
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if whole.Choices[0].Text == "" || whole.Choices[0].Text != text.String() {
		t.Fatalf("whole %q vs streamed %q", whole.Choices[0].Text, text.String())
	}
	if whole.Usage.CompletionTokens != 12 {
		t.Fatalf("usage %+v", whole.Usage)
	}
}

func TestSixteenConcurrentStreamsMatchSolo(t *testing.T) {
	n := start(t, 8)
	ctx := context.Background()
	prompts := make([]string, 16)
	solo := make([]string, 16)
	for i := range prompts {
		prompts[i] = fmt.Sprintf("question %d about the %s chain", i, strings.Repeat("blue ", i%4))
		var err error
		solo[i], _, _, _, err = streamChat(ctx, n, chatParams(prompts[i], 20))
		if err != nil {
			t.Fatal(err)
		}
	}
	got := make([]string, 16)
	errs := make([]error, 16)
	var wg sync.WaitGroup
	for i := range prompts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _, _, _, errs[i] = streamChat(ctx, n, chatParams(prompts[i], 20))
		}()
	}
	wg.Wait()
	for i := range prompts {
		if errs[i] != nil {
			t.Errorf("stream %d: %v", i, errs[i])
		} else if got[i] != solo[i] {
			t.Errorf("stream %d: batched %q != solo %q", i, got[i], solo[i])
		}
	}
}

var metricLine = regexp.MustCompile(`^(\w+)\{model="tiny"\} ([0-9.e+-]+)$`)

func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if m := metricLine.FindStringSubmatch(sc.Text()); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			out[m[1]] = v
		}
	}
	return out
}

func TestClientDisconnectFreesSlot(t *testing.T) {
	n := start(t, 2)
	body := `{"model":"tiny","stream":true,"max_tokens":900,` + runsToMaxTokens + `,"messages":[{"role":"user","content":"tell a long story"}]}`
	req, _ := http.NewRequest("POST", n.url+"/v1/chat/completions", strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(resp.Body)
	for read := 0; read < 4; {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(line, "data: ") {
			read++
		}
	}
	if busy := scrape(t, n.url)["fabnode_slots_busy"]; busy != 1 {
		t.Fatalf("busy slots while streaming = %v, want 1", busy)
	}
	resp.Body.Close() // the client goes away mid-stream

	deadline := time.Now().Add(20 * time.Second)
	var m map[string]float64
	for {
		m = scrape(t, n.url)
		if m["fabnode_slots_busy"] == 0 && m["fabnode_requests_cancelled_total"] == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot not freed after disconnect: %v", m)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Generation stopped at the disconnect, far short of max_tokens; the
	// client had read the role chunk and 3 tokens.
	if out := m["fabnode_completion_tokens_total"]; out >= 900 || out < 3 {
		t.Fatalf("%v tokens generated for a client that left after 4 chunks", out)
	}
}

func rawPost(t *testing.T, url, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: response is not JSON: %q", path, b)
	}
	return resp.StatusCode, out
}

func TestErrorsAreOpenAIShapedAndNodeKeepsServing(t *testing.T) {
	n := start(t, 2)
	huge := `{"model":"tiny","messages":[{"role":"user","content":"` + strings.Repeat("a", 10<<20) + `"}]}`
	cases := []struct {
		name, path, body string
		status           int
		param, code      string
	}{
		{"malformed JSON", "/v1/chat/completions", `{"model": "tiny", "messages": [`, 400, "", ""},
		{"not an object", "/v1/chat/completions", `[1,2]`, 400, "", ""},
		{"empty body", "/v1/chat/completions", ``, 400, "", ""},
		{"10 MB body", "/v1/chat/completions", huge, 413, "", ""},
		{"negative max_tokens", "/v1/chat/completions", `{"model":"tiny","max_tokens":-5,"messages":[{"role":"user","content":"hi"}]}`, 400, "max_tokens", ""},
		{"unknown model", "/v1/chat/completions", `{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}`, 404, "", "model_not_found"},
		{"empty messages", "/v1/chat/completions", `{"model":"tiny","messages":[]}`, 400, "messages", ""},
		{"bad role", "/v1/chat/completions", `{"model":"tiny","messages":[{"role":"wizard","content":"hi"}]}`, 400, "messages[0].role", ""},
		{"wrong type", "/v1/chat/completions", `{"model":"tiny","temperature":"hot","messages":[{"role":"user","content":"hi"}]}`, 400, "temperature", ""},
		{"temperature out of range", "/v1/chat/completions", `{"model":"tiny","temperature":7,"messages":[{"role":"user","content":"hi"}]}`, 400, "temperature", ""},
		{"n > 1", "/v1/chat/completions", `{"model":"tiny","n":3,"messages":[{"role":"user","content":"hi"}]}`, 400, "n", ""},
		{"too many stops", "/v1/chat/completions", `{"model":"tiny","stop":["a","b","c","d","e"],"messages":[{"role":"user","content":"hi"}]}`, 400, "stop", ""},
		{"prompt too long", "/v1/completions", `{"model":"tiny","prompt":"` + strings.Repeat("word ", 3000) + `"}`, 400, "prompt", "context_length_exceeded"},
		{"logit_bias key not a token id", "/v1/chat/completions", `{"model":"tiny","logit_bias":{"the":5},"messages":[{"role":"user","content":"hi"}]}`, 400, "logit_bias", ""},
		{"logit_bias out of range", "/v1/chat/completions", `{"model":"tiny","logit_bias":{"7":101},"messages":[{"role":"user","content":"hi"}]}`, 400, "logit_bias", ""},
		{"logit_bias token outside the vocabulary", "/v1/chat/completions", `{"model":"tiny","logit_bias":{"512":1},"messages":[{"role":"user","content":"hi"}]}`, 400, "logit_bias", ""},
		{"logit_bias token given twice", "/v1/chat/completions", `{"model":"tiny","logit_bias":{"7":1,"07":2},"messages":[{"role":"user","content":"hi"}]}`, 400, "logit_bias", ""},
		{"logit_bias too many tokens", "/v1/chat/completions", `{"model":"tiny","logit_bias":{` + manyBiases(engine.MaxLogitBias+1) + `},"messages":[{"role":"user","content":"hi"}]}`, 400, "logit_bias", ""},
		{"missing prompt", "/v1/completions", `{"model":"tiny"}`, 400, "prompt", ""},
		{"unknown path", "/v1/embeddings", `{}`, 404, "", "unknown_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawPost(t, n.url, c.path, c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, body)
			}
			e, ok := body["error"].(map[string]any)
			if !ok || e["message"] == "" || e["type"] == nil {
				t.Fatalf("not an OpenAI error object: %v", body)
			}
			if c.param != "" && e["param"] != c.param {
				t.Fatalf("param %v, want %q (%v)", e["param"], c.param, e["message"])
			}
			if c.code != "" && e["code"] != c.code {
				t.Fatalf("code %v, want %q", e["code"], c.code)
			}
		})
	}
	// The typed client sees the same errors.
	_, err := n.client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "nope", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" {
		t.Fatalf("client error %v", err)
	}
	// And the node still serves.
	if _, err := n.client.Chat.Completions.New(context.Background(), chatParams("still there?", 4)); err != nil {
		t.Fatalf("node stopped serving after bad requests: %v", err)
	}
}

func manyBiases(n int) string {
	b := make([]string, n)
	for i := range b {
		b[i] = fmt.Sprintf(`"%d":1`, i)
	}
	return strings.Join(b, ",")
}

// logit_bias works as OpenAI documents it: +100 makes its token the only
// choice, -100 keeps its tokens out, here the model's end tokens.
func TestLogitBias(t *testing.T) {
	n := start(t, 1)
	ctx := context.Background()
	forced := int64(300) // a word of the generated vocabulary
	p := chatParams("hello", 6)
	p.LogitBias = map[string]int64{strconv.FormatInt(forced, 10): 100}
	resp, err := n.client.Chat.Completions.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	out := resp.Choices[0].Message.Content
	if resp.Usage.CompletionTokens != 6 || out == "" || out != strings.Repeat(out[:len(out)/6], 6) {
		t.Fatalf("%d tokens %q: not one token six times", resp.Usage.CompletionTokens, out)
	}
	banned := map[string]int64{}
	for id, bias := range modelgen.NoEnd() {
		banned[id] = int64(bias)
	}
	for seed := int64(1); seed <= 4; seed++ {
		p := chatParams("hello", 600)
		p.Seed, p.Temperature, p.LogitBias = openai.Int(seed), openai.Float(1), banned
		resp, err := n.client.Chat.Completions.New(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if c := resp.Choices[0]; c.FinishReason != "length" || resp.Usage.CompletionTokens != 600 {
			t.Fatalf("seed %d with the end tokens banned: finish %q after %d tokens", seed, c.FinishReason, resp.Usage.CompletionTokens)
		}
	}
}

func TestModelsAndHealth(t *testing.T) {
	n := start(t, 1)
	page, err := n.client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].ID != "tiny" {
		t.Fatalf("models %+v", page.Data)
	}
	if _, err := n.client.Models.Get(context.Background(), "missing"); err == nil {
		t.Fatal("unknown model id returned no error")
	}
	resp, err := http.Get(n.url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Status != "ok" {
		t.Fatalf("health %+v %v", h, err)
	}
}

func TestJSONObjectResponseFormatIsConstrained(t *testing.T) {
	n := start(t, 1)
	// Every answer is a JSON object or, cut by max_tokens, the start of
	// one; at least one of the seeds must finish, so the complete case is
	// checked too.
	finished := 0
	for seed := int64(1); seed <= 8; seed++ {
		p := chatParams("give me json", 120)
		p.Seed = openai.Int(seed)
		p.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &openai.ResponseFormatJSONObjectParam{}}
		resp, err := n.client.Chat.Completions.New(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSpace(resp.Choices[0].Message.Content)
		switch resp.Choices[0].FinishReason {
		case "stop":
			finished++
			if !json.Valid([]byte(out)) || !strings.HasPrefix(out, "{") {
				t.Fatalf("seed %d: finished json_object output is not a JSON object: %q", seed, out)
			}
		case "length":
			if err := jsonPrefix(out); err != nil || !strings.HasPrefix(out, "{") {
				t.Fatalf("seed %d: cut json_object output is not the start of a JSON object (%v): %q", seed, err, out)
			}
		default:
			t.Fatalf("seed %d: finish %q", seed, resp.Choices[0].FinishReason)
		}
	}
	if finished == 0 {
		t.Fatal("no seed finished its JSON object within max_tokens: the complete case went unchecked")
	}
}

// jsonPrefix reports whether s can begin a valid JSON text: the decoder
// meets no syntax error before the input ends.
func jsonPrefix(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		}
		return err
	}
}

func TestRequestTimeoutIsAnError(t *testing.T) {
	mgr, err := models.New([]models.Spec{{Name: "tiny", Path: tinyPath, Engine: engine.Options{Parallel: 1, ContextSize: 4096}}}, "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	if _, release, err := mgr.Get(context.Background(), "tiny"); err != nil { // loaded before the clock starts
		t.Fatal(err)
	} else {
		release()
	}
	srv := httptest.NewServer(api.New(api.Config{RequestTimeout: 150 * time.Millisecond}, &inference.Service{Models: mgr}, nil).Handler())
	defer srv.Close()
	status, body := rawPost(t, srv.URL, "/v1/chat/completions", `{"model":"tiny","max_tokens":4000,`+runsToMaxTokens+`,"messages":[{"role":"user","content":"go on"}]}`)
	if e, _ := body["error"].(map[string]any); status != http.StatusGatewayTimeout || e["code"] != "timeout" {
		t.Fatalf("status %d body %v", status, body)
	}
	if got := mgr.List()[0].Stats.Busy; got != 0 {
		t.Fatalf("%d slots still busy after the timeout", got)
	}
}
