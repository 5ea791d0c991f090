package inference

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/fabnode/fabnode/abi"
	"github.com/fabnode/fabnode/host/chat"
	"github.com/fabnode/fabnode/host/engine"
)

// Endpoint is the kind of request: a chat or a text completion.
type Endpoint uint8

const (
	Chat Endpoint = iota
	Completion
)

func (e Endpoint) String() string {
	if e == Completion {
		return "completions"
	}
	return "chat"
}

// Request is one decoded, checked request, independent of its transport.
type Request struct {
	Endpoint Endpoint
	Model    string         // "" = the node's default model
	Messages []chat.Message // Chat
	Prompt   string         // Completion: the raw prompt, markers and all

	// Generation: MaxTokens, Stop and Sampling. Run fills the prompt.
	Engine engine.Request

	// Format is the response_format's shape when HasFormat; FormatName is
	// its name as the client wrote it.
	Format     abi.Format
	HasFormat  bool
	FormatName string

	Stream       bool // the transport streams the answer
	IncludeUsage bool // stream_options.include_usage
	// User is the body's `user` field. It is what it says it is, nothing
	// more: the transport decides whether it names the client.
	User string
}

// Bounds on what a request body may hold besides its prompt.
const (
	maxModelName = 256
	maxUser      = 256
)

// samplingFields are the generation parameters chat and completion
// requests share. Pointers tell "absent" from zero.
type samplingFields struct {
	Model               string             `json:"model"`
	Stream              bool               `json:"stream"`
	StreamOptions       *streamOpts        `json:"stream_options"`
	MaxTokens           *int               `json:"max_tokens"`
	MaxCompletionTokens *int               `json:"max_completion_tokens"`
	Temperature         *float32           `json:"temperature"`
	TopP                *float32           `json:"top_p"`
	TopK                *int               `json:"top_k"`
	MinP                *float32           `json:"min_p"`
	PresencePenalty     *float32           `json:"presence_penalty"`
	FrequencyPenalty    *float32           `json:"frequency_penalty"`
	RepeatPenalty       *float32           `json:"repeat_penalty"`
	RepeatLastN         *int               `json:"repeat_last_n"`
	Seed                *int64             `json:"seed"`
	LogitBias           map[string]float64 `json:"logit_bias"`
	Stop                stopSequences      `json:"stop"`
	N                   *int               `json:"n"`
	Logprobs            any                `json:"logprobs"`
	Tools               []any              `json:"tools"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format"`
	User string `json:"user"`
}

type streamOpts struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatBody struct {
	samplingFields
	Messages []chatMessage `json:"messages"`
}

type completionBody struct {
	samplingFields
	Prompt promptField `json:"prompt"`
	Echo   bool        `json:"echo"`
}

type chatMessage struct {
	Role    string         `json:"role"`
	Content messageContent `json:"content"`
	Name    string         `json:"name,omitempty"`
}

// DecodeChat decodes and checks a chat completion body.
func DecodeChat(body []byte) (*Request, *Error) {
	var b chatBody
	if e := decodeJSON(body, &b); e != nil {
		return nil, e
	}
	req, e := b.request(Chat)
	if e != nil {
		return nil, e
	}
	if len(b.Messages) == 0 {
		return nil, invalid("messages", "messages must contain at least one message")
	}
	for i, m := range b.Messages {
		field := fmt.Sprintf("messages[%d]", i)
		if !knownRoles[m.Role] {
			return nil, invalid(field+".role", "%s.role: %q is not one of system, developer, user, assistant, tool", field, truncate(m.Role, 32))
		}
		if m.Content.Image {
			return nil, invalid(field+".content", "%s.content: only text parts are supported by this node", field)
		}
		req.Messages = append(req.Messages, chat.Message{Role: m.Role, Content: m.Content.Text})
	}
	return req, nil
}

// DecodeCompletion decodes and checks a text completion body.
func DecodeCompletion(body []byte) (*Request, *Error) {
	var b completionBody
	if e := decodeJSON(body, &b); e != nil {
		return nil, e
	}
	req, e := b.request(Completion)
	switch {
	case e != nil:
		return nil, e
	case !b.Prompt.Set:
		return nil, invalid("prompt", "prompt is required")
	case b.Prompt.Text == "":
		return nil, invalid("prompt", "prompt is empty")
	case b.Echo:
		return nil, invalid("echo", "echo is not supported")
	}
	req.Prompt = b.Prompt.Text
	return req, nil
}

var knownRoles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true}

// request checks the shared fields and converts them. Bounds that depend
// on the model (max_tokens, repeat_last_n against its context) are
// checked once the model is known (engine.Model.Check).
func (f *samplingFields) request(ep Endpoint) (*Request, *Error) {
	switch {
	case f.N != nil && *f.N != 1:
		return nil, invalid("n", "n: only 1 choice per request is supported, got %d", *f.N)
	case f.Logprobs != nil && f.Logprobs != false:
		return nil, invalid("logprobs", "logprobs are not supported by this node")
	case len(f.Tools) > 0:
		return nil, invalid("tools", "tool calling is not supported by this node")
	case len(f.Stop) > engine.MaxStops:
		return nil, invalid("stop", "stop: at most %d sequences, got %d", engine.MaxStops, len(f.Stop))
	case len(f.Model) > maxModelName:
		return nil, invalid("model", "model: a name of at most %d bytes, got %d", maxModelName, len(f.Model))
	case len(f.User) > maxUser:
		return nil, invalid("user", "user: at most %d bytes, got %d", maxUser, len(f.User))
	}
	req := &Request{Endpoint: ep, Model: f.Model, Stream: f.Stream, User: f.User,
		IncludeUsage: f.StreamOptions != nil && f.StreamOptions.IncludeUsage}
	sp := engine.DefaultSampling()
	if f.ResponseFormat != nil {
		req.FormatName = f.ResponseFormat.Type
		switch f.ResponseFormat.Type {
		case "text":
		case "json_object":
			req.Format, req.HasFormat = abi.FormatJSON, true
			sp.Grammar = engine.JSONGrammar
		case "markdown":
			req.Format, req.HasFormat = abi.FormatMarkdown, true
		case "html":
			req.Format, req.HasFormat = abi.FormatHTML, true
		case "plain":
			req.Format, req.HasFormat = abi.FormatPlain, true
		default:
			return nil, invalid("response_format.type", "response_format.type %q is not supported (text, json_object; fabnode also shapes markdown, html, plain)", truncate(f.ResponseFormat.Type, 32))
		}
	}
	max, param := f.MaxTokens, "max_tokens"
	if f.MaxCompletionTokens != nil {
		max, param = f.MaxCompletionTokens, "max_completion_tokens"
	}
	if max != nil {
		if *max < 1 {
			return nil, invalid(param, "%s must be at least 1, got %d", param, *max)
		}
		req.Engine.MaxTokens = *max
	}
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
	if len(f.LogitBias) > 0 {
		bias, e := logitBias(f.LogitBias)
		if e != nil {
			return nil, e
		}
		sp.LogitBias = bias
	}
	if err := sp.Validate(); err != nil {
		var pe *engine.ParamError
		errors.As(err, &pe)
		return nil, invalid(pe.Param, "%s", err)
	}
	for _, s := range f.Stop {
		if len(s) > engine.MaxStopBytes {
			return nil, invalid("stop", "stop: each sequence at most %d bytes, got %d", engine.MaxStopBytes, len(s))
		}
	}
	req.Engine.Sampling = sp
	req.Engine.Stop = f.Stop
	return req, nil
}

// logitBias converts OpenAI's logit_bias, an object from token ids
// written as decimal strings to biases, into the engine's sorted list.
// engine.Sampling.Validate then bounds the count and refuses a token
// given twice ("7" and "07"); whether each token is in the model's
// vocabulary is checked once the model is known. The range is checked
// here too, on the float64 the client sent: converted to float32, a
// bias just past 100 would round to 100 and pass.
func logitBias(m map[string]float64) ([]engine.TokenBias, *Error) {
	bias := make([]engine.TokenBias, 0, len(m))
	for k, v := range m {
		id, err := strconv.ParseUint(k, 10, 31)
		if err != nil {
			return nil, invalid("logit_bias", "logit_bias: keys must be token ids (decimal integers), got %q", truncate(k, 32))
		}
		if v < -engine.MaxBiasMagnitude || v > engine.MaxBiasMagnitude {
			return nil, invalid("logit_bias", "logit_bias[%s]: the bias must be between -%d and %d, got %g", k, engine.MaxBiasMagnitude, engine.MaxBiasMagnitude, v)
		}
		bias = append(bias, engine.TokenBias{Token: int(id), Bias: float32(v)})
	}
	slices.SortFunc(bias, func(a, b engine.TokenBias) int { return cmp.Compare(a.Token, b.Token) })
	return bias, nil
}

// messageContent accepts a string or an array of content parts, of which
// only text parts are supported.
type messageContent struct {
	Text  string
	Image bool // a non-text part was sent
}

func (c *messageContent) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &c.Text); err == nil {
		return nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(b, &parts); err != nil {
		return &fieldError{"content", "must be a string or an array of content parts"}
	}
	var sb strings.Builder
	for _, p := range parts {
		if p.Type != "text" {
			c.Image = true
			continue
		}
		sb.WriteString(p.Text)
	}
	c.Text = sb.String()
	return nil
}

// stopSequences accepts a string or an array of strings.
type stopSequences []string

func (s *stopSequences) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return &fieldError{"stop", "must be a string or an array of strings"}
	}
	*s = many
	return nil
}

// promptField accepts a string or an array holding one string.
type promptField struct {
	Text string
	Set  bool
}

func (p *promptField) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	p.Set = true
	if err := json.Unmarshal(b, &p.Text); err == nil {
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return &fieldError{"prompt", "must be a string or an array of strings (token arrays are not supported)"}
	}
	if len(many) != 1 {
		return &fieldError{"prompt", fmt.Sprintf("one prompt per request is supported, got %d", len(many))}
	}
	p.Text = many[0]
	return nil
}

// fieldError is returned by custom unmarshalers to name their field.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// decodeJSON decodes one JSON object and turns every failure into an
// error the client can act on.
func decodeJSON(body []byte, v any) *Error {
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var fe *fieldError
	switch {
	case errors.As(err, &syntax):
		return invalid("", "request body is not valid JSON: %v (at byte %d)", err, syntax.Offset)
	case errors.As(err, &typ):
		// Fields of the embedded samplingFields come back prefixed by its name.
		field := strings.TrimPrefix(typ.Field, "samplingFields.")
		return invalid(field, "%s: expected %s, got JSON %s", field, typ.Type.String(), typ.Value)
	case errors.Is(err, io.EOF):
		return invalid("", "request body is empty; send a JSON object")
	case errors.As(err, &fe):
		return invalid(fe.field, "%s: %s", fe.field, fe.msg)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("", "request body is not valid JSON: it ends early")
	}
	return invalid("", "request body: %v", err)
}

// truncate shortens a client-supplied string quoted back in an error.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
