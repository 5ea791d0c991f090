package p2p

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/network"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/inference"
	"github.com/fabnode/fabnode/host/p2p/wire"
	"github.com/fabnode/fabnode/host/payments"
)

// errClientGone ends a request whose client reset or closed its stream,
// or sent a frame it may not.
var errClientGone = errors.New("the client closed the stream")

// handleInference serves one /fabnode/inference/1 stream: a request frame
// in, the response's frames out, on the request path every transport
// shares; receipts and a cancel may come in while it streams.
func (s *Service) handleInference(st network.Stream) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	outcome := s.serveInference(st)
	s.metrics.request(wire.InferenceProtocol, outcome)
}

func (s *Service) serveInference(st network.Stream) string {
	sink := &frameSink{st: st, timeout: s.cfg.WriteTimeout}
	defer func() {
		if sink.failed() {
			_ = st.Reset()
		} else {
			_ = st.Close()
		}
	}()
	client := st.Conn().RemotePeer()

	// The request frame, within FrameTimeout, its memory reserved with
	// the stream's scope.
	f, werr := s.readRequest(st, wire.TRequest)
	if werr != nil {
		sink.error(werr)
		return werr.Kind
	}
	defer st.Scope().ReleaseMemory(len(f.Payload))
	hdr, body, err := wire.DecodeRequest(f.Payload)
	if err != nil {
		sink.error(&wire.Error{Kind: wire.KindInvalid, Message: err.Error()})
		return wire.KindInvalid
	}
	var decode func([]byte) (*inference.Request, *inference.Error)
	switch hdr.Endpoint {
	case wire.EndpointChat:
		decode = inference.DecodeChat
	case wire.EndpointCompletion:
		decode = inference.DecodeCompletion
	default:
		sink.error(&wire.Error{Kind: wire.KindInvalid, Param: "endpoint", Message: `endpoint must be "chat" or "completion"`})
		return wire.KindInvalid
	}
	req, ie := decode(body)
	if ie != nil {
		return sink.refused(ie)
	}
	if hdr.ModelSHA256 != "" {
		name, ok := s.byHash(hdr.ModelSHA256)
		if !ok {
			sink.error(&wire.Error{Kind: wire.KindUnknown, Param: "model_sha256", Message: "this node serves no model with that SHA-256"})
			return wire.KindUnknown
		}
		req.Model = name
	}
	req.Stream = true // frames are a stream: receipts can come back while it runs
	caller := inference.Caller{Transport: "p2p", Client: client.String()}
	if hdr.Payment != nil {
		creds, werr := credentials(hdr.Payment, body)
		if werr != nil {
			sink.error(werr)
			return werr.Kind
		}
		caller.Credentials = creds
	}

	ctx, cancel := context.WithTimeout(s.reqCtx, s.cfg.RequestTimeout)
	defer cancel()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	// The client's frames while the response streams: receipts, a cancel.
	// Its stream ending (a reset, a close) ends the request too.
	var reader sync.WaitGroup
	reader.Add(1)
	go func() {
		defer reader.Done()
		s.readClient(ctx, st, sink, stop)
	}()
	defer reader.Wait()
	defer st.SetReadDeadline(time.Now()) // unblocks the reader once the response is over

	res, ie := s.svc.Run(ctx, req, caller, sink)
	if ie != nil {
		return sink.refused(ie) // after a cancel too, for a client that still reads
	}
	if err := sink.send(wire.TEnd, s.end(res)); err != nil {
		return "write_failed"
	}
	// The client closes its side once it has read the end and, when the
	// end asks for a receipt of everything delivered, sent that receipt
	// back on this stream. Waiting for its close, within FrameTimeout,
	// means the last frames have reached it before this request counts as
	// finished: a shutdown that closes the host right after drops nothing.
	_ = st.SetReadDeadline(time.Now().Add(s.cfg.FrameTimeout))
	reader.Wait()
	return "ok"
}

// readRequest reads the stream's first frame, of type want, within
// FrameTimeout, reserving its bytes in the stream's resource scope (the
// caller releases them).
func (s *Service) readRequest(st network.Stream, want wire.Type) (wire.Frame, *wire.Error) {
	_ = st.SetReadDeadline(time.Now().Add(s.cfg.FrameTimeout))
	defer st.SetReadDeadline(time.Time{})
	t, n, err := wire.ReadHeader(st, s.cfg.MaxFrameBytes)
	if err != nil {
		return wire.Frame{}, frameError(err)
	}
	if t != want {
		return wire.Frame{}, &wire.Error{Kind: wire.KindInvalid, Message: "the first frame must be a " + want.String() + " frame, got " + t.String()}
	}
	if err := st.Scope().ReserveMemory(n, network.ReservationPriorityMedium); err != nil {
		return wire.Frame{}, &wire.Error{Kind: inference.KindOverloaded.String(), Message: "the node has no memory for this request now; retry shortly"}
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(st, p); err != nil {
		st.Scope().ReleaseMemory(n)
		return wire.Frame{}, frameError(err)
	}
	return wire.Frame{Type: t, Payload: p}, nil
}

func frameError(err error) *wire.Error {
	var tl *wire.TooLargeError
	switch {
	case errors.As(err, &tl):
		return &wire.Error{Kind: wire.KindTooLarge, Message: err.Error()}
	case errors.Is(err, wire.ErrEmptyFrame):
		return &wire.Error{Kind: wire.KindInvalid, Message: err.Error()}
	case isTimeout(err):
		return &wire.Error{Kind: wire.KindTimeout, Message: "the request frame did not arrive in time"}
	}
	return &wire.Error{Kind: wire.KindInvalid, Message: "the request frame could not be read"}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &t) && t.Timeout()
}

// readClient reads the client's frames until the request ends: receipts
// go to the payment step and are acknowledged; a cancel, a reset, the
// client's end of the stream closing or an unexpected frame stop the
// request at its next decode step.
func (s *Service) readClient(ctx context.Context, st network.Stream, sink *frameSink, stop context.CancelCauseFunc) {
	for ctx.Err() == nil {
		f, err := wire.ReadFrame(st, s.cfg.MaxFrameBytes)
		if err != nil {
			if ctx.Err() == nil {
				stop(errClientGone)
			}
			return
		}
		switch f.Type {
		case wire.TCancel:
			stop(errors.New("the client cancelled"))
			return
		case wire.TReceipt:
			b, _ := json.Marshal(s.receipt(f))
			_ = sink.send(wire.TReceiptAck, b)
		default:
			sink.error(&wire.Error{Kind: wire.KindInvalid, Message: "unexpected " + f.Type.String() + " frame during a response"})
			stop(errClientGone)
			return
		}
	}
}

// receipt hands a client's receipt to the payment step.
func (s *Service) receipt(f wire.Frame) wire.ReceiptAck {
	var r wire.Receipt
	if err := f.Decode(&r); err != nil {
		return wire.ReceiptAck{Error: &wire.Error{Kind: wire.KindInvalid, Message: err.Error()}}
	}
	ack := wire.ReceiptAck{Session: r.Session, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens}
	bad := func(param, msg string) wire.ReceiptAck {
		ack.Error = &wire.Error{Kind: wire.KindInvalid, Param: param, Message: msg}
		return ack
	}
	taker := s.receipts()
	if taker == nil {
		ack.Error = &wire.Error{Kind: wire.KindNoPayments, Message: "this node takes no payments"}
		return ack
	}
	id, ok := parseSession(r.Session)
	if !ok {
		return bad("session", "session must be a uint256, decimal or 0x hex")
	}
	oc, err := hexutil.Decode(r.OutputChain)
	if err != nil || len(oc) != 32 {
		return bad("output_chain", "output_chain must be 32 bytes of 0x hex")
	}
	sig, err := hexutil.Decode(r.Signature)
	if err != nil || len(sig) != 65 {
		return bad("signature", "signature must be 65 bytes of 0x hex")
	}
	rc := chain.Receipt{SessionID: id, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, OutputChain: common.BytesToHash(oc)}
	if err := taker.Receive(rc, sig); err != nil {
		var ie *inference.Error
		if errors.As(err, &ie) {
			ack.Error = wireError(ie)
		} else {
			ack.Error = &wire.Error{Kind: inference.KindInternal.String(), Message: "the receipt could not be stored"}
			s.log.Error("storing a receipt", "session", id, "error", err)
		}
	}
	return ack
}

// credentials are a paid request's payment.Credentials: the signature is
// over keccak256 of the body as it came in the frame.
func credentials(p *wire.Payment, body []byte) (*payments.Credentials, *wire.Error) {
	bad := func(param, msg string) *wire.Error {
		return &wire.Error{Kind: wire.KindInvalid, Param: "payment." + param, Message: msg}
	}
	id, ok := parseSession(p.Session)
	if !ok {
		return nil, bad("session", "payment.session must be a uint256, decimal or 0x hex")
	}
	sig, err := hexutil.Decode(p.Signature)
	if err != nil || len(sig) != 65 {
		return nil, bad("signature", "payment.signature must be 65 bytes of 0x hex")
	}
	return &payments.Credentials{Session: id, Nonce: p.Nonce, BodyHash: ethcrypto.Keccak256Hash(body), Signature: sig}, nil
}

func parseSession(s string) (*big.Int, bool) {
	if s == "" || len(s) > 80 || strings.HasPrefix(s, "-") {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, 0)
	if !ok || n.Sign() < 0 || n.BitLen() > 256 {
		return nil, false
	}
	return n, true
}

// end is the TEnd frame of a served request.
func (s *Service) end(res *inference.Result) []byte {
	e := wire.End{
		Finish: string(res.Finish),
		Usage: wire.Usage{PromptTokens: res.Usage.PromptTokens, CompletionTokens: res.Usage.CompletionTokens,
			CachedTokens: res.Usage.CachedTokens},
		CostNanos: res.CostNanos, Cache: res.Cache.String(), Blocked: res.Blocked, NodeAddress: s.addr.Hex(),
	}
	if q := res.Quote; q != nil {
		e.Quote = &wire.Price{InputNanosPerToken: q.InputNanosPerToken, OutputNanosPerToken: q.OutputNanosPerToken,
			Currency: q.Currency, ValidUntilUnixMilli: q.ValidUntilUnixMilli}
	}
	if len(res.Commitments) > 0 {
		e.Commitments, _ = json.Marshal(res.Commitments)
	}
	if v := res.Format; v != nil {
		e.Format = &wire.Format{Valid: v.Valid, Problem: v.Problem}
	}
	if res.Payment != nil {
		e.ReceiptRequest, _ = json.Marshal(res.Payment)
	}
	b, _ := json.Marshal(e)
	return b
}

func wireError(ie *inference.Error) *wire.Error {
	return &wire.Error{Kind: ie.Kind.String(), Param: ie.Param, Message: ie.Message}
}

// frameSink writes a response as frames. It is the request's Sink and
// Notifier; a failed write means the client is gone, which stops
// generation at the next decode step.
type frameSink struct {
	st      network.Stream
	timeout time.Duration

	mu       sync.Mutex
	buf      []byte
	err      error
	deadline time.Time // the write deadline set last
}

func (f *frameSink) send(t wire.Type, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	// Each write must finish within timeout; the deadline moves on once a
	// quarter of it has passed, not at every piece of text.
	if now := time.Now(); f.deadline.Sub(now) < f.timeout*3/4 {
		f.deadline = now.Add(f.timeout)
		_ = f.st.SetWriteDeadline(f.deadline)
	}
	f.buf = wire.AppendFrame(f.buf[:0], t, payload)
	if _, err := f.st.Write(f.buf); err != nil {
		f.err = err
		return err
	}
	if cap(f.buf) > 64<<10 {
		f.buf = nil // a large frame's buffer is not kept
	}
	return nil
}

func (f *frameSink) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err != nil
}

func (f *frameSink) Begin(h inference.Head) error {
	b, _ := json.Marshal(wire.Head{ID: h.ID, Model: h.Model, Created: h.Created.Unix()})
	return f.send(wire.THead, b)
}

func (f *frameSink) Write(text string) error { return f.send(wire.TText, []byte(text)) }

// Notice sends a payment notice (a receipt request) between pieces.
func (f *frameSink) Notice(n inference.Notice) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	return f.send(wire.TNotice, b)
}

func (f *frameSink) error(e *wire.Error) {
	b, _ := json.Marshal(e)
	_ = f.send(wire.TError, b)
}

// refused sends an inference error as the stream's last frame and returns
// its kind.
func (f *frameSink) refused(ie *inference.Error) string {
	f.error(wireError(ie))
	return ie.Kind.String()
}

var _ inference.Notifier = (*frameSink)(nil)
