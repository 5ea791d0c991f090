package engine

import (
	"errors"
	"fmt"
	"time"
)

// Sampling holds the sampling parameters of one request. The zero value
// is not useful; start from DefaultSampling, which follows the OpenAI
// API's defaults (temperature 1, top_p 1, no penalties).
type Sampling struct {
	Temperature      float32
	TopK             int     // 0 disables
	TopP             float32 // 1 disables
	MinP             float32 // 0 disables
	RepeatPenalty    float32 // 1 disables
	RepeatLastN      int
	PresencePenalty  float32
	FrequencyPenalty float32
	Seed             *uint32 // nil: a fresh seed per request
	Grammar          string  // GBNF constraining the output; "" for none
	// LogitBias is added to the logits of its tokens before any other
	// sampler runs, as OpenAI's logit_bias is: -100 all but bans a
	// token, 100 all but forces it. Sorted by token, each token once.
	LogitBias []TokenBias
}

// TokenBias is one entry of Sampling.LogitBias.
type TokenBias struct {
	Token int
	Bias  float32
}

// Bounds on logit_bias. OpenAI takes biases in [-100, 100]; the count
// bound keeps the per-token work (one add per entry) small.
const (
	MaxLogitBias     = 1024
	MaxBiasMagnitude = 100
)

// DefaultSampling returns the OpenAI API's defaults.
func DefaultSampling() Sampling {
	return Sampling{Temperature: 1, TopP: 1, RepeatPenalty: 1, RepeatLastN: 64}
}

// Validate reports the first out-of-range parameter, naming it as the
// OpenAI API does.
func (s Sampling) Validate() error {
	switch {
	case s.Temperature < 0 || s.Temperature > 2:
		return &ParamError{"temperature", fmt.Sprintf("must be between 0 and 2, got %g", s.Temperature)}
	case s.TopP <= 0 || s.TopP > 1:
		return &ParamError{"top_p", fmt.Sprintf("must be in (0, 1], got %g", s.TopP)}
	case s.TopK < 0:
		return &ParamError{"top_k", fmt.Sprintf("must be >= 0, got %d", s.TopK)}
	case s.MinP < 0 || s.MinP > 1:
		return &ParamError{"min_p", fmt.Sprintf("must be between 0 and 1, got %g", s.MinP)}
	case s.RepeatPenalty <= 0:
		return &ParamError{"repeat_penalty", fmt.Sprintf("must be > 0, got %g", s.RepeatPenalty)}
	case s.RepeatLastN < -1:
		return &ParamError{"repeat_last_n", fmt.Sprintf("must be >= -1, got %d", s.RepeatLastN)}
	case s.PresencePenalty < -2 || s.PresencePenalty > 2:
		return &ParamError{"presence_penalty", fmt.Sprintf("must be between -2 and 2, got %g", s.PresencePenalty)}
	case s.FrequencyPenalty < -2 || s.FrequencyPenalty > 2:
		return &ParamError{"frequency_penalty", fmt.Sprintf("must be between -2 and 2, got %g", s.FrequencyPenalty)}
	case len(s.LogitBias) > MaxLogitBias:
		return &ParamError{"logit_bias", fmt.Sprintf("at most %d tokens, got %d", MaxLogitBias, len(s.LogitBias))}
	}
	for i, b := range s.LogitBias {
		switch {
		case b.Token < 0:
			return &ParamError{"logit_bias", fmt.Sprintf("token ids must be >= 0, got %d", b.Token)}
		case i > 0 && b.Token == s.LogitBias[i-1].Token:
			return &ParamError{"logit_bias", fmt.Sprintf("token %d is given twice", b.Token)}
		case i > 0 && b.Token < s.LogitBias[i-1].Token:
			return &ParamError{"logit_bias", "tokens must be sorted by id"}
		case !(b.Bias >= -MaxBiasMagnitude && b.Bias <= MaxBiasMagnitude): // NaN fails too
			return &ParamError{"logit_bias", fmt.Sprintf("token %d: the bias must be between -%d and %d, got %g", b.Token, MaxBiasMagnitude, MaxBiasMagnitude, b.Bias)}
		}
	}
	return nil
}

// Request is one generation.
type Request struct {
	Prompt    string // already rendered (chat template applied)
	Tokens    []int  // Prompt tokenized by Model.Tokenize, when the caller already did; Prompt is then not tokenized again
	MaxTokens int    // 0: until the slot's context is full
	Stop      []string
	Sampling  Sampling
	// Embed asks for the prompt's embedding (the hidden state at its last
	// token) with the first token's event.
	Embed bool
}

// FinishReason says why generation ended, in the OpenAI API's words
// where it has them.
type FinishReason string

const (
	FinishStop      FinishReason = "stop"      // end-of-generation token or stop sequence
	FinishLength    FinishReason = "length"    // max_tokens or context reached
	FinishCancelled FinishReason = "cancelled" // the caller's context ended
	FinishError     FinishReason = "error"
	// FinishContentFilter is set above the engine, when a safety policy
	// cut the output.
	FinishContentFilter FinishReason = "content_filter"
)

// Usage counts the tokens of one request.
type Usage struct {
	PromptTokens     int
	CachedTokens     int // prompt tokens reused from the KV cache, not recomputed
	CompletionTokens int
}

// Event is one step of a generation: a sampled token (Text may be empty
// while a character or a possible stop sequence is held back) or, with
// Done set, the end.
type Event struct {
	Text   string
	Tokens int // tokens sampled in this event (0 or 1)
	At     time.Time
	// Embedding is set on the first token's event when Request.Embed was.
	Embedding []float32

	Done   bool
	Finish FinishReason
	Usage  Usage
	Err    error
	// Abandoned marks a Done event that Stream.Next made up because its
	// context ended first: the request's own end is still to come.
	Abandoned bool
}

// ParamError is a request field that is out of range.
type ParamError struct {
	Param   string
	Message string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

// Bounds on stop sequences: each is matched against every piece of text.
const (
	MaxStops     = 4
	MaxStopBytes = 256
)

// Errors a caller maps to client-facing statuses.
var (
	ErrQueueFull     = errors.New("the model's request queue is full")
	ErrModelClosed   = errors.New("the model was unloaded")
	ErrPromptTooLong = errors.New("prompt does not fit the context window")
)

// JSONGrammar constrains output to a JSON object (llama.cpp's json.gbnf),
// used for response_format {"type": "json_object"}.
const JSONGrammar = `root   ::= object
value  ::= object | array | string | number | ("true" | "false" | "null") ws
object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
array  ::= "[" ws ( value ("," ws value)* )? "]" ws
string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" (["\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
ws     ::= | " " | "\n" [ \t]{0,20}
`
