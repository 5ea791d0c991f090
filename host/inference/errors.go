package inference

import (
	"context"
	"errors"
	"fmt"

	"github.com/fabnode/fabnode/host/engine"
	"github.com/fabnode/fabnode/host/models"
)

// Kind classifies why a request was not served, so that each transport
// maps it to its own status (host/api: HTTP status and OpenAI error).
type Kind uint8

const (
	KindInvalid          Kind = iota + 1 // a field is out of range or malformed; Param names it
	KindDenied                           // the safety policy refused the prompt
	KindUnknownModel                     // no model of that name is declared
	KindContextLength                    // the prompt does not fit the context
	KindOverloaded                       // every slot and queue place is taken; retry shortly
	KindModelUnavailable                 // the model cannot be loaded now (memory budget, a bad file)
	KindPricing                          // the node cannot price the request (it refuses the job)
	KindPaymentRequired                  // no or insufficient payment
	KindPaymentRefused                   // a payment that is not the caller's, or replayed
	KindTimeout                          // the request ran past its deadline
	KindCancelled                        // the client went away
	KindInternal                         // the node failed
)

var kindNames = [...]string{"", "invalid", "denied", "unknown_model", "context_length", "overloaded",
	"model_unavailable", "pricing_unavailable", "payment_required", "payment_refused", "timeout", "cancelled", "internal"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is a request that was not served. Message is safe to show the
// client; the cause, which may hold plugin or engine internals, is only
// for the node's log.
type Error struct {
	Kind    Kind
	Param   string // the offending request field, for KindInvalid and KindContextLength
	Message string
	cause   error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, for the log.
func (e *Error) Unwrap() error { return e.cause }

// Detail is the message with its cause, for the node's log.
func (e *Error) Detail() string {
	if e.cause == nil || e.cause.Error() == e.Message {
		return e.Message
	}
	return e.Message + ": " + e.cause.Error()
}

func newError(k Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), cause: cause}
}

// invalid is a malformed or out-of-range field.
func invalid(param, format string, args ...any) *Error {
	e := newError(KindInvalid, nil, format, args...)
	e.Param = param
	return e
}

// ended is the request's own context ending: the client left, or the
// request ran out of time. Never a policy verdict.
func ended(ctx context.Context, cause error) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return newError(KindTimeout, cause, "the request did not finish within its time limit")
	}
	return newError(KindCancelled, cause, "the client went away")
}

func modelError(ctx context.Context, name string, err error) *Error {
	switch {
	case errors.Is(err, models.ErrUnknownModel):
		return newError(KindUnknownModel, err, "The model `%s` does not exist", name)
	case errors.Is(err, models.ErrOverBudget):
		return newError(KindModelUnavailable, err, "the model `%s` does not fit this node's memory budget right now; retry later", name)
	case ctx.Err() != nil:
		return ended(ctx, err)
	}
	return newError(KindModelUnavailable, err, "the model `%s` could not be loaded; the node's log has the cause", name)
}

// engineError maps what the engine refused.
func engineError(ctx context.Context, field string, err error) *Error {
	var pe *engine.ParamError
	switch {
	case errors.As(err, &pe):
		return invalid(pe.Param, "%s", pe.Error())
	case errors.Is(err, engine.ErrPromptTooLong):
		e := newError(KindContextLength, nil, "%s", err.Error())
		e.Param = field
		return e
	case errors.Is(err, engine.ErrQueueFull):
		return newError(KindOverloaded, err, "every slot and queue place of this model is taken; retry shortly")
	case errors.Is(err, engine.ErrModelClosed):
		return newError(KindOverloaded, err, "the model is being unloaded; retry shortly")
	case ctx.Err() != nil:
		return ended(ctx, err)
	}
	return newError(KindInternal, err, "the engine failed")
}
