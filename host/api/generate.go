package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/models"
)

// shape is what differs between the chat and completion endpoints: how a
// prompt is built and how results are wrapped.
type shape interface {
	endpoint() string
	prompt(m *models.Loaded) (prompt string, stops []string)
	chunk(base responseBase, text string, first bool, finish *string) any
	finalChunk(base responseBase, finish string, ext *extension) any
	usageChunk(base responseBase, u usage) any
	whole(base responseBase, text, finish string, u usage, ext *extension) any
}

type responseBase struct {
	ID      string
	Created int64
	Model   string
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if e := decodeBody(w, r, s.cfg.MaxBodyBytes, &req); e != nil {
		s.fail(w, "chat", "", e)
		return
	}
	if e := validateMessages(req.Messages); e != nil {
		s.fail(w, "chat", req.Model, e)
		return
	}
	s.generate(w, r, &req.samplingFields, chatShape{req.Messages})
}

func (s *Server) handleCompletion(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if e := decodeBody(w, r, s.cfg.MaxBodyBytes, &req); e != nil {
		s.fail(w, "completions", "", e)
		return
	}
	if !req.Prompt.Set {
		s.fail(w, "completions", req.Model, invalid("prompt", "prompt is required"))
		return
	}
	if req.Prompt.Text == "" {
		s.fail(w, "completions", req.Model, invalid("prompt", "prompt is empty"))
		return
	}
	if req.Echo {
		s.fail(w, "completions", req.Model, invalid("echo", "echo is not supported"))
		return
	}
	s.generate(w, r, &req.samplingFields, completionShape{req.Prompt.Text})
}

var knownRoles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true}

func validateMessages(msgs []chatMessage) *apiError {
	if len(msgs) == 0 {
		return invalid("messages", "messages must contain at least one message")
	}
	for i, m := range msgs {
		field := fmt.Sprintf("messages[%d]", i)
		if !knownRoles[m.Role] {
			return invalid(field+".role", "%s.role: %q is not one of system, developer, user, assistant, tool", field, m.Role)
		}
		if m.Content.Image {
			return invalid(field+".content", "%s.content: only text parts are supported by this node", field)
		}
	}
	return nil
}

// engineRequest validates the shared fields and converts them.
func (f *samplingFields) engineRequest() (engine.Request, *apiError) {
	var req engine.Request
	switch {
	case f.N != nil && *f.N != 1:
		return req, invalid("n", "n: only 1 choice per request is supported, got %d", *f.N)
	case f.Logprobs != nil && f.Logprobs != false:
		return req, invalid("logprobs", "logprobs are not supported by this node")
	case len(f.Tools) > 0:
		return req, invalid("tools", "tool calling is not supported by this node")
	case len(f.Stop) > 4:
		return req, invalid("stop", "stop: at most 4 sequences, got %d", len(f.Stop))
	}
	if f.ResponseFormat != nil {
		switch f.ResponseFormat.Type {
		case "text", "markdown", "html", "plain":
		case "json_object":
			req.Sampling.Grammar = engine.JSONGrammar
		default:
			return req, invalid("response_format.type", "response_format.type %q is not supported (text, json_object; fabnode also shapes markdown, html, plain)", f.ResponseFormat.Type)
		}
	}
	max := f.MaxTokens
	param := "max_tokens"
	if f.MaxCompletionTokens != nil {
		max, param = f.MaxCompletionTokens, "max_completion_tokens"
	}
	if max != nil {
		if *max < 1 {
			return req, invalid(param, "%s must be at least 1, got %d", param, *max)
		}
		req.MaxTokens = *max
	}
	grammar := req.Sampling.Grammar
	sp := engine.DefaultSampling()
	sp.Grammar = grammar
	setF := func(dst *float32, v *float32) {
		if v != nil {
			*dst = *v
		}
	}
	setF(&sp.Temperature, f.Temperature)
	setF(&sp.TopP, f.TopP)
	setF(&sp.MinP, f.MinP)
	setF(&sp.PresencePenalty, f.PresencePenalty)
	setF(&sp.FrequencyPenalty, f.FrequencyPenalty)
	setF(&sp.RepeatPenalty, f.RepeatPenalty)
	if f.TopK != nil {
		sp.TopK = *f.TopK
	}
	if f.RepeatLastN != nil {
		sp.RepeatLastN = *f.RepeatLastN
	}
	if f.Seed != nil {
		seed := uint32(*f.Seed)
		sp.Seed = &seed
	}
	if err := sp.Validate(); err != nil {
		var pe *engine.ParamError
		errors.As(err, &pe)
		return req, invalid(pe.Param, "%s", err)
	}
	req.Sampling = sp
	req.Stop = f.Stop
	return req, nil
}

// generate runs one request through the policies and the model and writes
// the response, streamed or whole.
func (s *Server) generate(w http.ResponseWriter, r *http.Request, f *samplingFields, sh shape) {
	start := time.Now()
	req, e := f.engineRequest()
	if e != nil {
		s.fail(w, sh.endpoint(), f.Model, e)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	s.metrics.InFlight.Inc()
	defer s.metrics.InFlight.Dec()
	loaded, release, err := s.models.Get(ctx, f.Model)
	if err != nil {
		s.fail(w, sh.endpoint(), f.Model, modelError(f.Model, err))
		return
	}
	defer release()
	prompt, stops := sh.prompt(loaded)
	req.Prompt = prompt
	req.Stop = append(append([]string(nil), req.Stop...), stops...)
	base := responseBase{ID: newID(idPrefix(sh)), Created: start.Unix(), Model: loaded.Name}

	g, hit, e := s.admit(ctx, loaded, f, &req, base.ID)
	if e != nil {
		s.fail(w, sh.endpoint(), loaded.Name, e)
		return
	}
	defer g.close()
	var out outcome
	if hit != nil {
		out = outcome{status: http.StatusOK, text: hit.Text, finish: engine.FinishReason(hit.Finish), usage: hit.Usage}
	} else {
		stream, err := loaded.Model.Generate(ctx, req)
		if err != nil {
			s.fail(w, sh.endpoint(), loaded.Name, generateError(sh.endpoint(), err))
			return
		}
		if f.Stream {
			out = s.stream(w, ctx, cancel, stream, sh, base, g, f.StreamOptions != nil && f.StreamOptions.IncludeUsage)
			s.record(sh.endpoint(), loaded.Name, start, req.Prompt, out)
			return
		}
		out = s.collect(ctx, cancel, stream, g)
		switch {
		case out.finish == engine.FinishError:
			s.fail(w, sh.endpoint(), loaded.Name, &apiError{status: http.StatusInternalServerError, Type: "server_error", Message: fmt.Sprint(out.err)})
			return
		case out.finish == engine.FinishCancelled:
			// The client left (nobody reads this) or the request timed out.
			s.record(sh.endpoint(), loaded.Name, start, req.Prompt, out)
			writeError(w, &apiError{status: http.StatusGatewayTimeout, Type: "server_error", Code: strptr("timeout"),
				Message: "generation did not finish within the request timeout"})
			return
		}
		// Generation may have been cancelled on purpose (a semantic cache
		// hit, a blocked output); the policies that shape the answer still run.
		pctx := context.WithoutCancel(ctx)
		if ff, ok := formatOf(f); ok && out.finish != engine.FinishContentFilter && g.ext.Cache != "hit-semantic" {
			var v abi.FormatResult
			out.text, v = s.shapeText(pctx, ff, out.text)
			g.ext.Format = &formatJSON{Valid: v.Valid, Problem: v.Problem}
		}
		if s.policy != nil {
			// A whole answer can be scrubbed of personal data before it
			// leaves; a failed redaction withholds it (fail closed).
			var ok bool
			if out.text, ok = s.policy.Redact(pctx, out.text); !ok {
				out.finish = engine.FinishContentFilter
				g.ext.Blocked = "redaction unavailable"
			}
		}
		g.remember(cachedAnswer{Text: out.text, Finish: string(out.finish), Usage: out.usage})
	}
	g.bill(out.usage)
	if f.Stream { // a cache hit, streamed as one chunk
		s.replay(w, sh, base, g, out, f.StreamOptions != nil && f.StreamOptions.IncludeUsage)
	} else {
		writeJSON(w, http.StatusOK, sh.whole(base, out.text, string(out.finish), toUsage(out.usage), &g.ext))
	}
	s.record(sh.endpoint(), loaded.Name, start, req.Prompt, out)
}

// formatOf maps response_format to the format plugin's formats: OpenAI's
// json_object, plus fabnode's markdown, html and plain.
func formatOf(f *samplingFields) (abi.Format, bool) {
	if f.ResponseFormat == nil {
		return 0, false
	}
	switch f.ResponseFormat.Type {
	case "json_object":
		return abi.FormatJSON, true
	case "markdown":
		return abi.FormatMarkdown, true
	case "html":
		return abi.FormatHTML, true
	case "plain":
		return abi.FormatPlain, true
	}
	return 0, false
}

func (s *Server) shapeText(ctx context.Context, f abi.Format, text string) (string, abi.FormatResult) {
	if s.policy == nil {
		return text, abi.FormatResult{Valid: f == abi.FormatPlain}
	}
	return s.policy.Format(ctx, f, text)
}

// outcome is what a finished generation leaves for logs and metrics.
type outcome struct {
	text   string
	finish engine.FinishReason
	usage  engine.Usage
	err    error
	times  []time.Time // when each token was sampled
	status int
}

// pump reads the engine stream through the output policies, calling emit
// with every piece of text that may go to the client. It ends the
// generation when the safety policy blocks the output.
func pump(ctx context.Context, cancel context.CancelFunc, st *engine.Stream, g *guard, emit func(string)) outcome {
	// Policies still run (and the final proof is still committed) after the
	// generation is cancelled.
	ctx = context.WithoutCancel(ctx)
	o := outcome{status: http.StatusOK}
	var text []byte
	blocked := false
	for {
		e, ok := st.Next()
		if !ok {
			break
		}
		if e.Tokens > 0 {
			o.times = append(o.times, e.At)
		}
		if e.Embedding != nil {
			g.embedding = e.Embedding
			if a, ok := g.lookup(e.Embedding); ok {
				// A semantically equivalent prompt was answered before:
				// stop decoding and serve that answer instead.
				cancel()
				g.ext.Cache = "hit-semantic"
				g.passthrough() // the answer was shaped when first served
				drain(st)
				e = engine.Event{Text: a.Text, Tokens: a.Usage.CompletionTokens, Done: true,
					Finish: engine.FinishReason(a.Finish), Usage: a.Usage}
			}
		}
		if !blocked && (e.Text != "" || e.Tokens > 0) {
			var t string
			t, blocked = g.chunk(ctx, e.Text, e.Tokens)
			if blocked {
				cancel() // stop generating: nothing more will be sent
			}
			if t != "" {
				text = append(text, t...)
				emit(t)
			}
		}
		if e.Done {
			o.finish, o.usage, o.err = e.Finish, e.Usage, e.Err
		}
	}
	if !blocked && o.finish != engine.FinishError && o.finish != engine.FinishCancelled {
		var t string
		t, blocked = g.finish(ctx)
		if t != "" {
			text = append(text, t...)
			emit(t)
		}
	} else {
		g.finish(ctx) // records the block and the final commitment
	}
	if blocked {
		o.finish, o.err = engine.FinishContentFilter, nil
	}
	o.text = string(text)
	return o
}

// drain discards the rest of a cancelled generation's events.
func drain(st *engine.Stream) {
	for {
		if _, ok := st.Next(); !ok {
			return
		}
	}
}

func (s *Server) collect(ctx context.Context, cancel context.CancelFunc, st *engine.Stream, g *guard) outcome {
	return pump(ctx, cancel, st, g, func(string) {})
}

// sse writes server-sent events; a failed write means the client is gone,
// and cancel stops generation at the next decode step.
type sse struct {
	w      http.ResponseWriter
	rc     *http.ResponseController
	cancel context.CancelFunc
	alive  bool
}

func startSSE(w http.ResponseWriter, cancel context.CancelFunc) *sse {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return &sse{w: w, rc: http.NewResponseController(w), cancel: cancel, alive: true}
}

func (e *sse) send(v any) {
	if !e.alive || v == nil {
		return
	}
	b, _ := json.Marshal(v)
	if _, err := fmt.Fprintf(e.w, "data: %s\n\n", b); err != nil || e.rc.Flush() != nil {
		e.alive = false
		e.cancel()
	}
}

func (e *sse) done() {
	if e.alive {
		_, _ = fmt.Fprint(e.w, "data: [DONE]\n\n")
		_ = e.rc.Flush()
	}
}

// end sends the closing chunks of a stream: an error event for a failed
// generation, else the finish reason (with fabnode's extension) and usage.
func (e *sse) end(sh shape, base responseBase, o outcome, ext *extension, includeUsage bool) {
	if o.finish == engine.FinishError || o.finish == engine.FinishCancelled {
		// Cancelled with the client still reading: the request timed out.
		e.send(map[string]any{"error": &apiError{Type: "server_error", Message: fmt.Sprint("generation ended: ", o.err)}})
	} else {
		finish := string(o.finish)
		e.send(sh.finalChunk(base, finish, ext))
		if includeUsage {
			e.send(sh.usageChunk(base, toUsage(o.usage)))
		}
	}
	e.done()
}

func (s *Server) stream(w http.ResponseWriter, ctx context.Context, cancel context.CancelFunc, st *engine.Stream, sh shape, base responseBase, g *guard, includeUsage bool) outcome {
	e := startSSE(w, cancel)
	e.send(sh.chunk(base, "", true, nil))
	o := pump(ctx, cancel, st, g, func(t string) { e.send(sh.chunk(base, t, false, nil)) })
	g.bill(o.usage)
	if o.finish != engine.FinishCancelled && o.finish != engine.FinishError {
		g.remember(cachedAnswer{Text: o.text, Finish: string(o.finish), Usage: o.usage})
	}
	e.end(sh, base, o, &g.ext, includeUsage)
	return o
}

// replay streams a cached answer.
func (s *Server) replay(w http.ResponseWriter, sh shape, base responseBase, g *guard, o outcome, includeUsage bool) {
	e := startSSE(w, func() {})
	e.send(sh.chunk(base, "", true, nil))
	if o.text != "" {
		e.send(sh.chunk(base, o.text, false, nil))
	}
	e.end(sh, base, o, &g.ext, includeUsage)
}

func toUsage(u engine.Usage) usage {
	return usage{
		PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens,
		TotalTokens:         u.PromptTokens + u.CompletionTokens,
		PromptTokensDetails: &promptTokensDetails{CachedTokens: u.CachedTokens},
	}
}

func (s *Server) record(endpoint, model string, start time.Time, prompt string, o outcome) {
	status := o.status
	if o.finish == engine.FinishCancelled {
		status = 499 // nginx's "client closed request"
		s.metrics.Cancelled.WithLabelValues(model).Inc()
	}
	s.metrics.Requests.WithLabelValues(endpoint, model, strconv.Itoa(status)).Inc()
	s.metrics.TokensIn.WithLabelValues(model).Add(float64(o.usage.PromptTokens))
	s.metrics.TokensCached.WithLabelValues(model).Add(float64(o.usage.CachedTokens))
	s.metrics.TokensOut.WithLabelValues(model).Add(float64(o.usage.CompletionTokens))
	s.metrics.ObserveTokens(model, start, o.times)
	s.metrics.Duration.WithLabelValues(endpoint, model).Observe(time.Since(start).Seconds())

	args := []any{"endpoint", endpoint, "model", model, "status", status, "finish", o.finish,
		"prompt_tokens", o.usage.PromptTokens, "cached_tokens", o.usage.CachedTokens,
		"completion_tokens", o.usage.CompletionTokens, "duration", time.Since(start).Round(time.Millisecond)}
	if len(o.times) > 0 {
		args = append(args, "ttft", o.times[0].Sub(start).Round(time.Millisecond))
	}
	if s.cfg.LogPrompts {
		// Even when the operator logs prompts, personal data is redacted
		// first where a safety plugin can; what cannot be redacted is not
		// logged.
		p, c := prompt, o.text
		if s.policy != nil {
			p, _ = s.policy.Redact(context.Background(), p)
			c, _ = s.policy.Redact(context.Background(), c)
		}
		args = append(args, "prompt", p, "completion", c)
	}
	s.log.Info("request", args...)
}

func (s *Server) fail(w http.ResponseWriter, endpoint, model string, e *apiError) {
	if model == "" {
		model = "-"
	}
	s.metrics.Requests.WithLabelValues(endpoint, model, strconv.Itoa(e.status)).Inc()
	s.log.Debug("request refused", "endpoint", endpoint, "model", model, "status", e.status, "error", e.Message)
	writeError(w, e)
}

func modelError(name string, err error) *apiError {
	switch {
	case errors.Is(err, models.ErrUnknownModel):
		return notFound("model_not_found", "The model `%s` does not exist", name)
	case errors.Is(err, models.ErrOverBudget):
		return &apiError{status: http.StatusServiceUnavailable, Type: "server_error", Code: strptr("insufficient_memory"), Message: err.Error()}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &apiError{status: http.StatusServiceUnavailable, Type: "server_error", Message: "request ended while the model was loading"}
	}
	return &apiError{status: http.StatusInternalServerError, Type: "server_error", Code: strptr("model_load_failed"), Message: err.Error()}
}

func generateError(endpoint string, err error) *apiError {
	var pe *engine.ParamError
	switch {
	case errors.As(err, &pe):
		return invalid(pe.Param, "%s", err)
	case errors.Is(err, engine.ErrPromptTooLong):
		field := "messages"
		if endpoint == "completions" {
			field = "prompt"
		}
		e := invalid(field, "%s", err)
		e.Code = strptr("context_length_exceeded")
		return e
	case errors.Is(err, engine.ErrQueueFull), errors.Is(err, engine.ErrModelClosed):
		return &apiError{status: http.StatusServiceUnavailable, Type: "server_error", Code: strptr("overloaded"), Message: err.Error() + "; retry shortly"}
	}
	return &apiError{status: http.StatusInternalServerError, Type: "server_error", Message: err.Error()}
}

func idPrefix(sh shape) string {
	if sh.endpoint() == "chat" {
		return "chatcmpl-"
	}
	return "cmpl-"
}

// chatShape builds chat prompts with the model's template.
type chatShape struct{ messages []chatMessage }

func (chatShape) endpoint() string { return "chat" }

func (c chatShape) prompt(m *models.Loaded) (string, []string) {
	msgs := make([]chat.Message, len(c.messages))
	for i, x := range c.messages {
		msgs[i] = chat.Message{Role: x.Role, Content: x.Content.Text}
	}
	return m.Chat.Render(msgs), m.Chat.Stops
}

func (chatShape) chunk(b responseBase, text string, first bool, finish *string) any {
	delta := &chatOut{}
	if first {
		delta.Role = "assistant"
	}
	if text != "" || first {
		delta.Content = &text
	}
	return chatResponse{ID: b.ID, Object: "chat.completion.chunk", Created: b.Created, Model: b.Model,
		Choices: []chatChoice{{Delta: delta, FinishReason: finish}}}
}

func (c chatShape) finalChunk(b responseBase, finish string, ext *extension) any {
	r := c.chunk(b, "", false, &finish).(chatResponse)
	r.Fabnode = ext
	return r
}

func (chatShape) usageChunk(b responseBase, u usage) any {
	return chatResponse{ID: b.ID, Object: "chat.completion.chunk", Created: b.Created, Model: b.Model, Choices: []chatChoice{}, Usage: &u}
}

func (chatShape) whole(b responseBase, text, finish string, u usage, ext *extension) any {
	return chatResponse{ID: b.ID, Object: "chat.completion", Created: b.Created, Model: b.Model,
		Choices: []chatChoice{{Message: &chatOut{Role: "assistant", Content: &text}, FinishReason: &finish}}, Usage: &u, Fabnode: ext}
}

// completionShape passes the prompt through untouched.
type completionShape struct{ text string }

func (completionShape) endpoint() string { return "completions" }

func (c completionShape) prompt(*models.Loaded) (string, []string) { return c.text, nil }

func (completionShape) chunk(b responseBase, text string, first bool, finish *string) any {
	if first {
		return nil
	}
	return completionResponse{ID: b.ID, Object: "text_completion", Created: b.Created, Model: b.Model,
		Choices: []completionChoice{{Text: text, FinishReason: finish}}}
}

func (c completionShape) finalChunk(b responseBase, finish string, ext *extension) any {
	r := c.chunk(b, "", false, &finish).(completionResponse)
	r.Fabnode = ext
	return r
}

func (completionShape) usageChunk(b responseBase, u usage) any {
	return completionResponse{ID: b.ID, Object: "text_completion", Created: b.Created, Model: b.Model, Choices: []completionChoice{}, Usage: &u}
}

func (completionShape) whole(b responseBase, text, finish string, u usage, ext *extension) any {
	return completionResponse{ID: b.ID, Object: "text_completion", Created: b.Created, Model: b.Model,
		Choices: []completionChoice{{Text: text, FinishReason: &finish}}, Usage: &u, Fabnode: ext}
}
