package client

import (
	"context"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	p2pclient "github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Sessions pays a libp2p client's requests (host/p2p/client's Payer) with
// one session per host, keyed by the host's Ethereum address: the address
// its peer id speaks for, which is the host the escrow session names. A
// client that fails over between hosts holds a session with each, and
// each host is paid only on its own.
type Sessions map[common.Address]*Session

// Pay signs body on the session with host.
func (ss Sessions) Pay(ctx context.Context, host p2pclient.Candidate, body []byte) (*wire.Payment, p2pclient.Payment, error) {
	s := ss[host.Address]
	if s == nil {
		return nil, nil, fmt.Errorf("no session with host %s (%s)", host.Address.Hex(), host.Peer)
	}
	return s.Pay(ctx, host, body)
}

// Pay makes the session a Payer of a libp2p client: the request carries
// the session, a fresh nonce and the signature over body, and receipts
// travel back on the request's own stream as the host asks for them. The
// session names one host; Sessions picks among several.
func (s *Session) Pay(_ context.Context, _ p2pclient.Candidate, body []byte) (*wire.Payment, p2pclient.Payment, error) {
	nonce, sig, err := s.sign(body)
	if err != nil {
		return nil, nil, err
	}
	return &wire.Payment{Session: s.ID.String(), Nonce: nonce, Signature: hexutil.Encode(sig)}, &streamPayment{s: s}, nil
}

// streamPayment follows one paid libp2p stream: what arrives extends the
// session's output chain, receipt requests are checked against it as
// over HTTP, and a receipt counts as taken once the host acknowledges it.
type streamPayment struct {
	s *Session

	mu     sync.Mutex
	signed []Receipt // sent, not yet acknowledged
}

func (p *streamPayment) Received(piece string) { p.s.received([]byte(piece)) }

func (p *streamPayment) Receipt(_ context.Context, req wire.ReceiptRequest) (*wire.Receipt, error) {
	b, err := hexutil.Decode(req.OutputChain)
	if err != nil || len(b) != common.HashLength {
		return nil, fmt.Errorf("the node asked for a receipt of output chain %q, which is not 32 bytes of hex", req.OutputChain)
	}
	r := Receipt{InputTokens: req.InputTokens, OutputTokens: req.OutputTokens, OutputChain: common.BytesToHash(b)}
	if sign, err := p.s.toSign(req.Session, r); !sign {
		return nil, err
	}
	sig, err := p.s.signReceipt(r)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.signed = append(p.signed, r)
	p.mu.Unlock()
	return &wire.Receipt{Session: req.Session, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
		OutputChain: r.OutputChain.Hex(), Signature: hexutil.Encode(sig)}, nil
}

func (p *streamPayment) Acked(a wire.ReceiptAck) {
	if a.Error != nil || a.Session != p.s.ID.String() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, r := range p.signed {
		if r.InputTokens == a.InputTokens && r.OutputTokens == a.OutputTokens {
			p.s.took(r)
			p.signed = p.signed[i+1:] // acknowledgements come in order
			return
		}
	}
}
