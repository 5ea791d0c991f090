package p2p

import (
	"context"
	"encoding/json"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/fabnode/fabnode/host/p2p/wire"
)

// handleQuote serves one /fabnode/quote/1 stream: a TQuoteRequest in,
// the pricing plugin's quote with the model's load out (TQuote), or a
// TError.
func (s *Service) handleQuote(st network.Stream) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	outcome := s.serveQuote(st)
	s.metrics.request(wire.QuoteProtocol, outcome)
}

func (s *Service) serveQuote(st network.Stream) string {
	sink := &frameSink{st: st, timeout: s.cfg.WriteTimeout}
	defer st.Close()
	f, werr := s.readRequest(st, wire.TQuoteRequest)
	if werr != nil {
		sink.error(werr)
		return werr.Kind
	}
	st.Scope().ReleaseMemory(len(f.Payload))
	var q wire.QuoteRequest
	if err := f.Decode(&q); err != nil {
		sink.error(&wire.Error{Kind: wire.KindInvalid, Message: err.Error()})
		return wire.KindInvalid
	}
	name := q.Model
	if q.ModelSHA256 != "" {
		var ok bool
		if name, ok = s.byHash(q.ModelSHA256); !ok {
			sink.error(&wire.Error{Kind: wire.KindUnknown, Param: "model_sha256", Message: "this node serves no model with that SHA-256"})
			return wire.KindUnknown
		}
	}
	if name == "" {
		name = s.models.Default()
	}
	ctx, cancel := context.WithTimeout(s.reqCtx, s.cfg.FrameTimeout)
	defer cancel()
	price, ok, ie := s.price(ctx, name, st.Conn().RemotePeer().String(), q.PromptTokens, q.MaxTokens)
	if !ok {
		return sink.refused(ie)
	}
	out := wire.Quote{Model: name, Price: price}
	for _, m := range s.declared() {
		if m.name == name {
			out.ModelSHA256 = m.hex
		}
	}
	out.Slots, out.Busy, out.Queued = s.load(name)
	b, _ := json.Marshal(out)
	if err := sink.send(wire.TQuote, b); err != nil {
		return "write_failed"
	}
	return "ok"
}
