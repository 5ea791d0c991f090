package api

import (
	"encoding/json"
	"fmt"
	"strings"
)

// samplingFields are the generation parameters chat and completion
// requests share. Pointers tell "absent" from zero.
type samplingFields struct {
	Model               string        `json:"model"`
	Stream              bool          `json:"stream"`
	StreamOptions       *streamOpts   `json:"stream_options"`
	MaxTokens           *int          `json:"max_tokens"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	Temperature         *float32      `json:"temperature"`
	TopP                *float32      `json:"top_p"`
	TopK                *int          `json:"top_k"`
	MinP                *float32      `json:"min_p"`
	PresencePenalty     *float32      `json:"presence_penalty"`
	FrequencyPenalty    *float32      `json:"frequency_penalty"`
	RepeatPenalty       *float32      `json:"repeat_penalty"`
	RepeatLastN         *int          `json:"repeat_last_n"`
	Seed                *int64        `json:"seed"`
	Stop                stopSequences `json:"stop"`
	N                   *int          `json:"n"`
	Logprobs            any           `json:"logprobs"`
	Tools               []any         `json:"tools"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format"`
	User string `json:"user"`
}

type streamOpts struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatRequest struct {
	samplingFields
	Messages []chatMessage `json:"messages"`
}

type completionRequest struct {
	samplingFields
	Prompt promptField `json:"prompt"`
	Echo   bool        `json:"echo"`
}

type chatMessage struct {
	Role    string         `json:"role"`
	Content messageContent `json:"content"`
	Name    string         `json:"name,omitempty"`
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

// Responses.

type usage struct {
	PromptTokens        int                  `json:"prompt_tokens"`
	CompletionTokens    int                  `json:"completion_tokens"`
	TotalTokens         int                  `json:"total_tokens"`
	PromptTokensDetails *promptTokensDetails `json:"prompt_tokens_details,omitempty"`
}

type promptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
}

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
