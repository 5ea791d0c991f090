package wire

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/protocol"
)

// Protocol ids. A change that old peers cannot read gets a new version.
const (
	// ProtocolPrefix prefixes fabnode's Kademlia DHT, so it is its own
	// network and never the public IPFS one.
	ProtocolPrefix protocol.ID = "/fabnode"
	// QuoteProtocol: one request frame (TQuoteRequest), one answer (TQuote
	// or TError).
	QuoteProtocol protocol.ID = "/fabnode/quote/1"
	// InferenceProtocol: a request frame, then the host streams THead,
	// TText and TNotice frames and ends with TEnd or TError; meanwhile the
	// client may send TReceipt and TCancel frames.
	InferenceProtocol protocol.ID = "/fabnode/inference/1"
	// AnnounceTopic is the gossipsub topic of signed host announcements.
	AnnounceTopic = "/fabnode/announce/1"
)

// DefaultMaxFrame bounds a frame's length (type byte and payload).
const DefaultMaxFrame = 1 << 20

// Type is a frame's type byte.
type Type byte

// Frame types. Client to host: 0x0_. Host to client: 0x1_.
const (
	TRequest      Type = 0x01 // inference request: header and body (EncodeRequest)
	TReceipt      Type = 0x02 // a countersigned receipt (Receipt)
	TCancel       Type = 0x03 // stop generating (empty)
	TQuoteRequest Type = 0x04 // QuoteRequest

	THead       Type = 0x10 // Head: the response began
	TText       Type = 0x11 // a piece of text, UTF-8
	TNotice     Type = 0x12 // a payment notice (a receipt request), JSON
	TEnd        Type = 0x13 // End
	TError      Type = 0x14 // Error: the request ends here
	TQuote      Type = 0x15 // Quote
	TReceiptAck Type = 0x16 // ReceiptAck: what the host made of a TReceipt
)

var typeNames = map[Type]string{TRequest: "request", TReceipt: "receipt", TCancel: "cancel", TQuoteRequest: "quote_request",
	THead: "head", TText: "text", TNotice: "notice", TEnd: "end", TError: "error", TQuote: "quote", TReceiptAck: "receipt_ack"}

func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type(0x%02x)", byte(t))
}

// Frame is one frame read.
type Frame struct {
	Type    Type
	Payload []byte
}

// ErrEmptyFrame is a frame of length 0 (it has no type byte).
var ErrEmptyFrame = errors.New("a frame of length 0")

// TooLargeError is a frame whose declared length passes the bound; its
// bytes were not read.
type TooLargeError struct{ Length, Max int }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("a frame of %d bytes exceeds the limit of %d", e.Length, e.Max)
}

// AppendFrame appends the frame of t and payload to b.
func AppendFrame(b []byte, t Type, payload []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(1+len(payload)))
	b = append(b, byte(t))
	return append(b, payload...)
}

// WriteFrame writes one frame in a single Write, so that a stream carries
// it in one piece.
func WriteFrame(w io.Writer, t Type, payload []byte) error {
	_, err := w.Write(AppendFrame(make([]byte, 0, 5+len(payload)), t, payload))
	return err
}

// WriteJSON writes v as the JSON payload of a frame of type t.
func WriteJSON(w io.Writer, t Type, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return WriteFrame(w, t, b)
}

// ReadHeader reads a frame's length prefix and type byte and returns the
// payload's length, refusing a frame over max before reading any of it.
func ReadHeader(r io.Reader, max int) (Type, int, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:4]); err != nil {
		return 0, 0, err
	}
	n := int(binary.BigEndian.Uint32(h[:4]))
	switch {
	case n == 0:
		return 0, 0, ErrEmptyFrame
	case n > max:
		return 0, 0, &TooLargeError{Length: n, Max: max}
	}
	if _, err := io.ReadFull(r, h[4:]); err != nil {
		return 0, 0, unexpected(err)
	}
	return Type(h[4]), n - 1, nil
}

// ReadFrame reads one frame of at most max bytes.
func ReadFrame(r io.Reader, max int) (Frame, error) {
	t, n, err := ReadHeader(r, max)
	if err != nil {
		return Frame{}, err
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return Frame{}, unexpected(err)
	}
	return Frame{Type: t, Payload: p}, nil
}

// unexpected makes a stream that ends inside a frame an error, never a
// clean end.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Decode unmarshals f's JSON payload into v, naming the frame type in the
// error.
func (f Frame) Decode(v any) error {
	if err := json.Unmarshal(f.Payload, v); err != nil {
		return fmt.Errorf("%s frame: %w", f.Type, err)
	}
	return nil
}
