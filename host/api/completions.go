package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/metrics"
)

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, inference.Chat, inference.DecodeChat)
}

func (s *Server) handleCompletion(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, inference.Completion, inference.DecodeCompletion)
}

// serve is the whole HTTP side of a completion request: read and decode
// the body, run it through the inference service into a sink (SSE for a
// stream, a collector for a whole answer), and write the end.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, ep inference.Endpoint, decode func([]byte) (*inference.Request, *inference.Error)) {
	start := time.Now()
	s.metrics.InFlight.Inc()
	defer s.metrics.InFlight.Dec()
	// A body that cannot be read or decoded names no model the node
	// serves: it counts as "unknown".
	status, label := http.StatusOK, metrics.UnknownModel
	defer func() {
		s.metrics.Requests.WithLabelValues(ep.String(), label, strconv.Itoa(status)).Inc()
		s.metrics.Duration.WithLabelValues(ep.String(), label).Observe(time.Since(start).Seconds())
	}()
	fail := func(e *apiError) {
		status = e.status
		writeError(w, e)
	}

	body, e := readBody(w, r, s.cfg.MaxBodyBytes, s.cfg.BodyTimeout)
	if e != nil {
		fail(e)
		return
	}
	req, ie := decode(body)
	if ie != nil {
		fail(s.refusal(ie))
		return
	}
	label = s.modelLabel(req.Model)
	caller := inference.Caller{Transport: "http", Client: s.client(r, req.User)}
	creds, e := paymentCredentials(r.Header, body)
	if e != nil {
		fail(e)
		return
	}
	if creds != nil {
		caller.Credentials = creds
	}
	sh := shape{ep: ep}
	if req.Stream {
		sink := &sseSink{w: w, rc: http.NewResponseController(w), shape: sh}
		res, ie := s.svc.Run(r.Context(), req, caller, sink)
		switch {
		case !sink.begun && ie != nil:
			fail(s.refusal(ie))
		case ie != nil && ie.Kind == inference.KindCancelled:
			status = statusClientClosed // nobody is reading
		default:
			sink.end(res, ie, s.extension(res), req.IncludeUsage)
			if ie != nil {
				status = s.refusal(ie).status
			}
		}
		return
	}
	var sink inference.Collector
	res, ie := s.svc.Run(r.Context(), req, caller, &sink)
	if ie != nil {
		fail(s.refusal(ie))
		return
	}
	writeJSON(w, http.StatusOK, sh.whole(sink.Head(), sink.Text(), string(res.Finish), toUsage(res.Usage), s.extension(res)))
}

// extension is fabnode's addition to OpenAI response objects, under the
// "fabnode" key that OpenAI clients ignore: the price the request was
// served at, what it cost, whether it came from the cache, and the signed
// proof commitments over the output.
type extension struct {
	Quote       *quoteJSON             `json:"quote,omitempty"`
	CostNanos   *int64                 `json:"cost_nanos,omitempty"`
	Cache       string                 `json:"cache,omitempty"`
	Commitments []inference.Commitment `json:"commitments,omitempty"`
	NodeKey     string                 `json:"node_key,omitempty"`
	Blocked     string                 `json:"blocked,omitempty"`
	// Format reports how the requested response_format came out.
	Format *formatJSON `json:"format,omitempty"`
	// ReceiptRequest asks a paying client to countersign what it got.
	ReceiptRequest inference.Notice `json:"receipt_request,omitempty"`
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

func (s *Server) extension(res *inference.Result) *extension {
	x := &extension{CostNanos: res.CostNanos, Cache: res.Cache.String(), Commitments: res.Commitments,
		NodeKey: s.cfg.NodeKey, Blocked: res.Blocked, ReceiptRequest: res.Payment}
	if res.Quote != nil {
		x.Quote = toQuoteJSON("", *res.Quote)
	}
	if v := res.Format; v != nil {
		x.Format = &formatJSON{Valid: v.Valid, Problem: v.Problem}
	}
	return x
}

// sseSink streams a response as server-sent events. A failed write means
// the client is gone: the error stops generation at the next step.
type sseSink struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	shape shape
	head  inference.Head
	begun bool
}

func (e *sseSink) Begin(h inference.Head) error {
	e.head, e.begun = h, true
	hd := e.w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Connection", "keep-alive")
	hd.Set("X-Accel-Buffering", "no")
	e.w.WriteHeader(http.StatusOK)
	return e.send(e.shape.chunk(h, "", true, nil))
}

func (e *sseSink) Write(text string) error { return e.send(e.shape.chunk(e.head, text, false, nil)) }

// Notice sends a payment notice (a receipt request) as a chunk with no
// choices and the notice in its fabnode extension.
func (e *sseSink) Notice(n inference.Notice) error {
	return e.send(e.shape.noticeChunk(e.head, &extension{ReceiptRequest: n}))
}

func (e *sseSink) send(v any) error {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(e.w, "data: %s\n\n", b); err != nil {
		return err
	}
	return e.rc.Flush()
}

// end sends the closing events: an error event for a failed or timed
// out response, else the finish reason with fabnode's extension and the
// usage when asked, then [DONE].
func (e *sseSink) end(res *inference.Result, ie *inference.Error, ext *extension, includeUsage bool) {
	if ie != nil {
		_ = e.send(map[string]any{"error": &apiError{Type: "server_error", Code: strptr(ie.Kind.String()), Message: ie.Message}})
	} else {
		finish := string(res.Finish)
		_ = e.send(e.shape.finalChunk(e.head, finish, ext))
		if includeUsage {
			_ = e.send(e.shape.usageChunk(e.head, toUsage(res.Usage)))
		}
	}
	if _, err := fmt.Fprint(e.w, "data: [DONE]\n\n"); err == nil {
		_ = e.rc.Flush()
	}
}

type usage struct {
	PromptTokens        int                  `json:"prompt_tokens"`
	CompletionTokens    int                  `json:"completion_tokens"`
	TotalTokens         int                  `json:"total_tokens"`
	PromptTokensDetails *promptTokensDetails `json:"prompt_tokens_details,omitempty"`
}

type promptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
}

func toUsage(u engine.Usage) usage {
	return usage{
		PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens,
		TotalTokens:         u.PromptTokens + u.CompletionTokens,
		PromptTokensDetails: &promptTokensDetails{CachedTokens: u.CachedTokens},
	}
}

// Response objects, as the OpenAI API reference shapes them.

type chatChoice struct {
	Index        int       `json:"index"`
	Message      *chatOut  `json:"message,omitempty"`
	Delta        *chatOut  `json:"delta,omitempty"`
	FinishReason *string   `json:"finish_reason"`
	Logprobs     *struct{} `json:"logprobs"`
}

type chatOut struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

type chatResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	SystemFingerprint string       `json:"system_fingerprint,omitempty"`
	Choices           []chatChoice `json:"choices"`
	Usage             *usage       `json:"usage,omitempty"`
	Fabnode           *extension   `json:"fabnode,omitempty"`
}

type completionChoice struct {
	Index        int       `json:"index"`
	Text         string    `json:"text"`
	FinishReason *string   `json:"finish_reason"`
	Logprobs     *struct{} `json:"logprobs"`
}

type completionResponse struct {
	ID                string             `json:"id"`
	Object            string             `json:"object"`
	Created           int64              `json:"created"`
	Model             string             `json:"model"`
	SystemFingerprint string             `json:"system_fingerprint,omitempty"`
	Choices           []completionChoice `json:"choices"`
	Usage             *usage             `json:"usage,omitempty"`
	Fabnode           *extension         `json:"fabnode,omitempty"`
}

// shape builds the response objects of one endpoint.
type shape struct{ ep inference.Endpoint }

// chunk is one streamed piece; a chat stream's first chunk carries the
// role, a completion stream has none.
func (sh shape) chunk(h inference.Head, text string, first bool, finish *string) any {
	if sh.ep == inference.Completion {
		if first {
			return nil
		}
		return completionResponse{ID: h.ID, Object: "text_completion", Created: h.Created.Unix(), Model: h.Model,
			Choices: []completionChoice{{Text: text, FinishReason: finish}}}
	}
	delta := &chatOut{}
	if first {
		delta.Role = "assistant"
	}
	if text != "" || first {
		delta.Content = &text
	}
	return chatResponse{ID: h.ID, Object: "chat.completion.chunk", Created: h.Created.Unix(), Model: h.Model,
		Choices: []chatChoice{{Delta: delta, FinishReason: finish}}}
}

func (sh shape) finalChunk(h inference.Head, finish string, ext *extension) any {
	switch r := sh.chunk(h, "", false, &finish).(type) {
	case chatResponse:
		r.Fabnode = ext
		return r
	case completionResponse:
		r.Fabnode = ext
		return r
	}
	return nil
}

func (sh shape) noticeChunk(h inference.Head, ext *extension) any {
	if sh.ep == inference.Completion {
		return completionResponse{ID: h.ID, Object: "text_completion", Created: h.Created.Unix(), Model: h.Model, Choices: []completionChoice{}, Fabnode: ext}
	}
	return chatResponse{ID: h.ID, Object: "chat.completion.chunk", Created: h.Created.Unix(), Model: h.Model, Choices: []chatChoice{}, Fabnode: ext}
}

func (sh shape) usageChunk(h inference.Head, u usage) any {
	if sh.ep == inference.Completion {
		return completionResponse{ID: h.ID, Object: "text_completion", Created: h.Created.Unix(), Model: h.Model, Choices: []completionChoice{}, Usage: &u}
	}
	return chatResponse{ID: h.ID, Object: "chat.completion.chunk", Created: h.Created.Unix(), Model: h.Model, Choices: []chatChoice{}, Usage: &u}
}

func (sh shape) whole(h inference.Head, text, finish string, u usage, ext *extension) any {
	if sh.ep == inference.Completion {
		return completionResponse{ID: h.ID, Object: "text_completion", Created: h.Created.Unix(), Model: h.Model,
			Choices: []completionChoice{{Text: text, FinishReason: &finish}}, Usage: &u, Fabnode: ext}
	}
	return chatResponse{ID: h.ID, Object: "chat.completion", Created: h.Created.Unix(), Model: h.Model,
		Choices: []chatChoice{{Message: &chatOut{Role: "assistant", Content: &text}, FinishReason: &finish}}, Usage: &u, Fabnode: ext}
}
