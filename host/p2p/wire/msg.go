package wire

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// Endpoints of an inference request.
const (
	EndpointChat       = "chat"
	EndpointCompletion = "completion"
)

// RequestHeader is the first part of a TRequest frame.
type RequestHeader struct {
	Endpoint string `json:"endpoint"` // EndpointChat or EndpointCompletion
	// ModelSHA256 names the model by its file's SHA-256 (hex), as the DHT
	// and the chain do; it overrides the body's model name.
	ModelSHA256 string `json:"model_sha256,omitempty"`
	// Payment is a paid request's credentials; nil: unpaid.
	Payment *Payment `json:"payment,omitempty"`
}

// Payment is what HTTP carries in the Fabnode-Session, Fabnode-Nonce and
// Fabnode-Signature headers: the session, a nonce never used on it, and
// the EIP-712 signature over {session, nonce, keccak256(body)}, where
// body is the request frame's body as sent.
type Payment struct {
	Session   string `json:"session"`   // uint256, decimal or 0x hex
	Nonce     uint64 `json:"nonce"`     //
	Signature string `json:"signature"` // 0x-prefixed, 65 bytes
}

// maxHeader bounds a request header.
const maxHeader = 4096

// EncodeRequest is a TRequest payload: uvarint(len(header)), the header's
// JSON, then body unchanged.
func EncodeRequest(h RequestHeader, body []byte) ([]byte, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(hb)+len(body)), uint64(len(hb)))
	b = append(b, hb...)
	return append(b, body...), nil
}

// DecodeRequest splits a TRequest payload; the body aliases p.
func DecodeRequest(p []byte) (RequestHeader, []byte, error) {
	var h RequestHeader
	n, k := binary.Uvarint(p)
	switch {
	case k <= 0:
		return h, nil, errors.New("request frame: no header length")
	case n > maxHeader || n > uint64(len(p)-k):
		return h, nil, fmt.Errorf("request frame: a header of %d bytes (at most %d, and within the frame)", n, maxHeader)
	}
	if err := json.Unmarshal(p[k:k+int(n)], &h); err != nil {
		return h, nil, fmt.Errorf("request frame header: %w", err)
	}
	return h, p[k+int(n):], nil
}

// Head opens a response.
type Head struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Created int64  `json:"created"` // unix seconds
}

// Usage counts a response's tokens.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"` // delivered
	CachedTokens     int `json:"cached_tokens"`     // prompt tokens reused from the KV cache
}

// Price is a quote's prices.
type Price struct {
	InputNanosPerToken  int64  `json:"input_nanos_per_token"`
	OutputNanosPerToken int64  `json:"output_nanos_per_token"`
	Currency            string `json:"currency"`
	ValidUntilUnixMilli int64  `json:"valid_until_unix_ms,omitempty"`
}

// Format is how a requested response_format came out.
type Format struct {
	Valid   bool   `json:"valid"`
	Problem string `json:"problem,omitempty"`
}

// End closes a served response.
type End struct {
	Finish    string `json:"finish"` // stop, length, content_filter, cancelled
	Usage     Usage  `json:"usage"`
	Quote     *Price `json:"quote,omitempty"`      // nil: the node serves for free
	CostNanos *int64 `json:"cost_nanos,omitempty"` // what was delivered, at the quote
	Cache     string `json:"cache,omitempty"`      // off, miss, hit, hit-semantic
	// Commitments are the signed proof commitments over the output
	// (inference.Commitment as JSON).
	Commitments json.RawMessage `json:"commitments,omitempty"`
	Blocked     string          `json:"blocked,omitempty"`
	Format      *Format         `json:"format,omitempty"`
	// ReceiptRequest asks a paying client to countersign everything
	// delivered (a ReceiptRequest as JSON); absent when unpaid.
	ReceiptRequest json.RawMessage `json:"receipt_request,omitempty"`
	// NodeAddress is the Ethereum address that signs the commitments.
	NodeAddress string `json:"node_address,omitempty"`
}

// Error ends a request that was not served, or not to its end.
type Error struct {
	Kind    string `json:"kind"` // inference.Kind's name: invalid, overloaded, payment_required, ...
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (%s): %s", e.Kind, e.Param, e.Message)
	}
	return e.Kind + ": " + e.Message
}

// Error kinds of the transport itself, besides inference's.
const (
	KindInvalid    = "invalid"       // a malformed or unexpected frame
	KindTooLarge   = "too_large"     // a frame over the limit
	KindTimeout    = "timeout"       // a frame that did not arrive in time
	KindNoPayments = "no_payments"   // a receipt to a node that takes no payments
	KindUnknown    = "unknown_model" // also inference's
)

// ReceiptRequest is a payment notice: countersign the session up to here.
// It is payments.ReceiptRequest's JSON.
type ReceiptRequest struct {
	Session      string `json:"session"`
	InputTokens  uint64 `json:"input_tokens"`
	OutputTokens uint64 `json:"output_tokens"`
	OutputChain  string `json:"output_chain"`
}

// Receipt is a client's countersignature of a session state (the body of
// HTTP's POST /v1/sessions/{id}/receipts, with its session).
type Receipt struct {
	Session      string `json:"session"`
	InputTokens  uint64 `json:"input_tokens"`
	OutputTokens uint64 `json:"output_tokens"`
	OutputChain  string `json:"output_chain"` // 0x hex, 32 bytes
	Signature    string `json:"signature"`    // 0x hex, 65 bytes
}

// ReceiptAck answers a TReceipt: Error is nil when the host took it.
type ReceiptAck struct {
	Session      string `json:"session"`
	InputTokens  uint64 `json:"input_tokens"`
	OutputTokens uint64 `json:"output_tokens"`
	Error        *Error `json:"error,omitempty"`
}

// QuoteRequest asks a host's price for a request of this size.
type QuoteRequest struct {
	Model        string `json:"model,omitempty"` // "" and no ModelSHA256: the default model
	ModelSHA256  string `json:"model_sha256,omitempty"`
	PromptTokens uint32 `json:"prompt_tokens,omitempty"`
	MaxTokens    uint32 `json:"max_tokens,omitempty"`
}

// Quote is a host's answer to a QuoteRequest: the pricing plugin's quote
// (nil: the node serves for free) and the model's load.
type Quote struct {
	Model       string `json:"model"`
	ModelSHA256 string `json:"model_sha256,omitempty"`
	Price       *Price `json:"price,omitempty"`
	Slots       int    `json:"slots"`
	Busy        int    `json:"busy"`
	Queued      int    `json:"queued"`
}
