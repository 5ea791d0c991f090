package inference

import (
	"context"
	"errors"

	"github.com/fabnode/fabnode/abi"
)

// Payments is the payment step of admission, the same for every
// transport. Authorize is called once the request is priced: it checks
// the credentials the transport carried (a session and a signature, say)
// against the quote and the most the request can cost, and refuses with
// an *Error of KindPaymentRequired or KindPaymentRefused.
type Payments interface {
	Authorize(ctx context.Context, a Admission) (Payment, error)
}

// Admission is what the payment step decides on.
type Admission struct {
	Caller       Caller
	Model        string
	ModelSHA256  string
	Quote        *abi.Quote // nil: the node has no pricing policy
	PromptTokens int
	MaxTokens    int   // output tokens the request may generate
	MaxCost      int64 // in the quote's nano-units: PromptTokens and MaxTokens at the quote
	// Streaming says the client receives the output piece by piece (and
	// can send receipts as it goes); otherwise as one piece at the end.
	Streaming bool
}

// Delivery counts what a request has delivered, or is about to.
type Delivery struct {
	PromptTokens int
	OutputTokens int
}

// Payment follows one authorized request.
type Payment interface {
	// Allow is called before each piece of output reaches the client,
	// with the tokens delivered once it has. It may wait (for a receipt
	// that covers a credit window; notify asks the client for one, through
	// the transport) and fails when the client stops paying: the request
	// then ends there.
	Allow(ctx context.Context, d Delivery, notify func(Notice) error) error
	// Delivered is called once the piece reached the client.
	Delivered(d Delivery, piece []byte)
	// Done records what was delivered and what it cost, and returns what
	// the client should know about its payment at the end (a receipt
	// request for everything delivered), or nil.
	Done(b Bill) Notice
}

// Notice is something the payment step tells the client between pieces
// of text (a receipt request). A sink that implements Notifier writes it
// in its own framing; to another sink a notice cannot be sent.
type Notice any

// Notifier is a Sink that can carry notices.
type Notifier interface {
	Notice(n Notice) error
}

// ErrNoNotices is what notify returns on a sink that carries none.
var ErrNoNotices = errors.New("this transport cannot carry payment notices")

// Bill is what a finished request is charged.
type Bill struct {
	Quote        *abi.Quote // nil: unpriced
	PromptTokens int
	OutputTokens int   // delivered
	CostNanos    int64 // in the quote's currency
}

// Free is the payment step of a node that does not take payments.
type Free struct{}

func (Free) Authorize(context.Context, Admission) (Payment, error)     { return Free{}, nil }
func (Free) Allow(context.Context, Delivery, func(Notice) error) error { return nil }
func (Free) Delivered(Delivery, []byte)                                {}
func (Free) Done(Bill) Notice                                          { return nil }
