package inference

import (
	"strings"
	"time"
)

// Head identifies a response; a sink gets it before any text.
type Head struct {
	ID      string
	Model   string
	Created time.Time
}

// Sink is where a transport takes a request's output. Run calls Begin
// once the request is admitted, then Write with each piece of text that
// passed the output policies, in order. An error from either means the
// client cannot take more: Run stops generating, and what failed to be
// written is neither delivered nor billed.
type Sink interface {
	Begin(Head) error
	Write(text string) error
}

// Collector is the sink of a whole (non-streamed) answer: it keeps the
// text for the transport to send at the end.
type Collector struct {
	head Head
	text strings.Builder
}

func (c *Collector) Begin(h Head) error { c.head = h; return nil }

func (c *Collector) Write(text string) error {
	c.text.WriteString(text)
	return nil
}

// Text is everything written.
func (c *Collector) Text() string { return c.text.String() }

// Head is what Begin was given.
func (c *Collector) Head() Head { return c.head }
