package payments

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/inference"
)

// Credentials are what a client sends with a paid request (over HTTP,
// the Fabnode-Session, Fabnode-Nonce and Fabnode-Signature headers).
type Credentials struct {
	Session   *big.Int
	Nonce     uint64
	BodyHash  common.Hash // keccak256 of the request body, as received
	Signature []byte      // over chain.Request{Session, Nonce, BodyHash}
}

// Config is what the payment step needs to know.
type Config struct {
	Mode   Mode
	Host   common.Address // this node's account
	Domain chain.Domain   // the escrow's EIP-712 domain
	Tokens []Token        // accepted payment tokens
	// SettleMargin is how long a session must still be open when a
	// request is admitted, so the node can still settle what it serves
	// (default 10 minutes).
	SettleMargin time.Duration
	// ReceiptWait is how long a stream waits for a receipt once its
	// un-receipted tokens reach the credit window (default 30 s).
	ReceiptWait time.Duration
	// HostOf, when set, reads from the escrow which host a session names
	// (ok false when there is no such session), for sessions the node's
	// view does not hold because they are another host's: those are
	// refused as foreign (403) rather than unknown (402).
	HostOf func(ctx context.Context, id *big.Int) (host common.Address, ok bool, err error)
}

// Service is the payment step. It implements inference.Payments.
type Service struct {
	cfg      Config
	sessions Sessions
	store    *Store
	log      hclog.Logger
	now      func() time.Time

	mu      sync.Mutex
	ledgers map[string]*ledger
}

// New returns the payment step over the node's view of the sessions,
// with its ledgers restored from store.
func New(cfg Config, sessions Sessions, store *Store, log hclog.Logger) (*Service, error) {
	if cfg.SettleMargin <= 0 {
		cfg.SettleMargin = 10 * time.Minute
	}
	if cfg.ReceiptWait <= 0 {
		cfg.ReceiptWait = 30 * time.Second
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	s := &Service{cfg: cfg, sessions: sessions, store: store, log: log.Named("payments"), now: time.Now, ledgers: map[string]*ledger{}}
	recs, err := store.ledgers()
	if err != nil {
		return nil, err
	}
	for id, r := range recs {
		n, ok := new(big.Int).SetString(id, 10)
		if !ok {
			return nil, fmt.Errorf("payments store: session id %q", id)
		}
		s.ledgers[id] = &ledger{id: n, rec: r, wake: make(chan struct{})}
	}
	return s, nil
}

// ledger is one session's account of what was delivered and receipted.
type ledger struct {
	id   *big.Int
	mu   sync.Mutex
	rec  record
	busy bool          // a request on the session is being served
	wake chan struct{} // closed (and replaced) on every new receipt
}

func (s *Service) ledger(id *big.Int) *ledger {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.ledgers[id.String()]
	if l == nil {
		l = &ledger{id: new(big.Int).Set(id), wake: make(chan struct{})}
		s.ledgers[id.String()] = l
	}
	return l
}

// unreceipted is how many tokens p is beyond the receipt: what the
// credit window bounds.
func (r *record) unreceipted(p point) uint64 {
	var in, out uint64
	if r.Receipt != nil {
		in, out = r.Receipt.In, r.Receipt.Out
	}
	return (p.In - min(in, p.In)) + (p.Out - min(out, p.Out))
}

func (r *record) advance(p point) {
	if p != r.Delivered {
		r.Delivered = p
		r.Points = append(r.Points, p)
	}
}

func refused(k inference.Kind, format string, args ...any) *inference.Error {
	return &inference.Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Authorize implements inference.Payments.
func (s *Service) Authorize(ctx context.Context, a inference.Admission) (inference.Payment, error) {
	creds, _ := a.Caller.Credentials.(*Credentials)
	switch {
	case s.cfg.Mode == Off:
		return inference.Free{}, nil
	case creds == nil && s.cfg.Mode == Required:
		return nil, refused(inference.KindPaymentRequired, "this node serves paid requests only: open a session and sign the request (see the README)")
	case creds == nil:
		return inference.Free{}, nil
	}
	id := creds.Session
	sess, ok := s.sessions.Session(id)
	if !ok && s.cfg.HostOf != nil {
		if host, exists, err := s.cfg.HostOf(ctx, id); err == nil && exists && host != s.cfg.Host {
			return nil, refused(inference.KindPaymentRefused, "session %s is for another host", id)
		}
	}
	switch {
	case !ok:
		return nil, refused(inference.KindPaymentRequired, "session %s is not known to this node: not opened on its escrow, or not seen yet", id)
	case sess.Host != s.cfg.Host:
		return nil, refused(inference.KindPaymentRefused, "session %s is for another host", id)
	}
	who, err := s.cfg.Domain.RecoverRequest(chain.Request{SessionID: id, Nonce: creds.Nonce, BodyHash: creds.BodyHash}, creds.Signature)
	_, now := s.sessions.Head()
	switch {
	case err != nil:
		return nil, refused(inference.KindPaymentRefused, "the request signature is not valid: %v", err)
	case !signer(sess, who):
		return nil, refused(inference.KindPaymentRefused, "the request is signed by %s, neither session %s's depositor nor its session key", who.Hex(), id)
	case !sess.Confirmed:
		return nil, refused(inference.KindPaymentRequired, "session %s is not confirmed on chain yet; retry shortly", id)
	case sess.State != chain.SessionOpen:
		return nil, refused(inference.KindPaymentRequired, "session %s is %s", id, sess.State)
	case sess.Deadline < now+uint64(s.cfg.SettleMargin/time.Second):
		return nil, refused(inference.KindPaymentRequired, "session %s ends at %s, too soon for this node to settle what it would serve; open a new one",
			id, time.Unix(int64(sess.Deadline), 0).UTC().Format(time.RFC3339))
	case hex.EncodeToString(sess.ModelID[:]) != a.ModelSHA256:
		return nil, refused(inference.KindPaymentRefused, "session %s is for another model than %s", id, a.Model)
	}
	token, ok := s.token(sess.Token)
	if !ok {
		return nil, refused(inference.KindPaymentRequired, "session %s pays in token %s, which this node does not accept", id, sess.Token.Hex())
	}
	if q := a.Quote; q != nil {
		switch {
		case q.Currency != token.Currency:
			return nil, refused(inference.KindPaymentRequired, "this node prices %s in %s; session %s pays in %s", a.Model, q.Currency, id, token.Currency)
		case !token.coversQuote(sess.InputPrice, q.InputNanosPerToken) || !token.coversQuote(sess.OutputPrice, q.OutputNanosPerToken):
			return nil, refused(inference.KindPaymentRequired, "session %s's prices (%s input, %s output per token) are below this node's quote (%d input, %d output nano-%s per token)",
				id, sess.InputPrice, sess.OutputPrice, q.InputNanosPerToken, q.OutputNanosPerToken, q.Currency)
		}
	}

	l := s.ledger(id)
	l.mu.Lock()
	defer l.mu.Unlock()
	base := l.rec.Delivered
	admitted := point{In: base.In + uint64(a.PromptTokens), Out: base.Out, Chain: base.Chain}
	most := point{In: admitted.In, Out: base.Out + uint64(a.MaxTokens)}
	switch {
	case l.busy:
		return nil, refused(inference.KindOverloaded, "a request on session %s is being served; send one at a time", id)
	case l.rec.Settling != "":
		return nil, refused(inference.KindPaymentRequired, "session %s is being settled", id)
	case cost(sess, most.In, most.Out).Cmp(sess.Deposit) > 0:
		return nil, refused(inference.KindPaymentRequired, "session %s's deposit (%s) does not cover this request at most (%d input and %d output tokens in all would cost %s); lower max_tokens or open a new session",
			id, sess.Deposit, most.In, most.Out, cost(sess, most.In, most.Out))
	case !a.Streaming && l.rec.unreceipted(most) > uint64(sess.CreditWindow):
		return nil, refused(inference.KindPaymentRequired, "a whole answer of up to %d tokens exceeds session %s's credit window of %d un-receipted tokens: stream it, or open a session with a larger window",
			l.rec.unreceipted(most), id, sess.CreditWindow)
	}
	// The nonce last: a request refused above does not spend it.
	if err := s.store.useNonce(id, creds.Nonce); err != nil {
		if errors.Is(err, errReplay) {
			return nil, refused(inference.KindPaymentRefused, "nonce %d was already used on session %s", creds.Nonce, id)
		}
		return nil, err
	}
	l.busy = true
	l.rec.advance(admitted) // the prompt is processed: the client may receipt it at once
	l.rec.LastUsed = s.now()
	if err := s.store.putLedger(id, l.rec); err != nil {
		l.busy = false
		return nil, err
	}
	return &payment{s: s, l: l, sess: sess, base: base, prompt: uint64(a.PromptTokens), streaming: a.Streaming}, nil
}

func (s *Service) token(addr common.Address) (Token, bool) {
	for _, t := range s.cfg.Tokens {
		if t.Address == addr {
			return t, true
		}
	}
	return Token{}, false
}

// payment follows one paid request on its session's ledger.
type payment struct {
	s         *Service
	l         *ledger
	sess      chain.Session
	base      point // the ledger before this request
	prompt    uint64
	streaming bool
	whole     []byte // a whole answer's text, one piece of the chain at the end
}

func (p *payment) at(d inference.Delivery) point {
	return point{In: p.base.In + uint64(d.PromptTokens), Out: p.base.Out + uint64(d.OutputTokens)}
}

// ReceiptRequest asks the client to countersign the session up to a
// state the node delivered it to.
type ReceiptRequest struct {
	Session      string `json:"session"`
	InputTokens  uint64 `json:"input_tokens"`
	OutputTokens uint64 `json:"output_tokens"`
	OutputChain  string `json:"output_chain"`
}

func requestFor(id *big.Int, p point) ReceiptRequest {
	return ReceiptRequest{Session: id.String(), InputTokens: p.In, OutputTokens: p.Out, OutputChain: p.Chain.Hex()}
}

// Allow waits while delivering d would take the session past its credit
// window, asking the client once for a receipt of what it has.
func (p *payment) Allow(ctx context.Context, d inference.Delivery, notify func(inference.Notice) error) error {
	if !p.streaming {
		return nil // bounded at admission
	}
	want := p.at(d)
	asked := false
	var timer *time.Timer
	for {
		p.l.mu.Lock()
		over := p.l.rec.unreceipted(want) > uint64(p.sess.CreditWindow)
		cur, wake := p.l.rec.Delivered, p.l.wake
		p.l.mu.Unlock()
		if !over {
			return nil
		}
		if !asked {
			asked = true
			if err := notify(requestFor(p.sess.ID, cur)); err != nil {
				return refused(inference.KindPaymentRequired, "the credit window of session %s is used up and the client cannot be asked for a receipt: %v", p.sess.ID, err)
			}
			timer = time.NewTimer(p.s.cfg.ReceiptWait)
			defer timer.Stop()
		}
		select {
		case <-wake:
		case <-timer.C:
			return refused(inference.KindPaymentRequired, "no receipt for session %s within %v: its credit window of %d tokens is used up", p.sess.ID, p.s.cfg.ReceiptWait, p.sess.CreditWindow)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Delivered extends the session's output chain by a piece the client got.
func (p *payment) Delivered(d inference.Delivery, piece []byte) {
	if !p.streaming {
		p.whole = append(p.whole, piece...)
		return
	}
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	at := p.at(d)
	at.Chain = chain.NextOutputChain(p.l.rec.Delivered.Chain, piece)
	p.l.rec.advance(at)
}

// Done settles the request's account and returns the receipt request for
// everything delivered.
func (p *payment) Done(b inference.Bill) inference.Notice {
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	end := point{In: p.base.In + uint64(b.PromptTokens), Out: p.base.Out + uint64(b.OutputTokens), Chain: p.l.rec.Delivered.Chain}
	if !p.streaming && len(p.whole) > 0 {
		end.Chain = chain.NextOutputChain(end.Chain, p.whole)
	}
	// Never below what the client may already have receipted.
	end.In, end.Out = max(end.In, p.l.rec.Delivered.In), max(end.Out, p.l.rec.Delivered.Out)
	p.l.rec.advance(end)
	p.l.rec.LastUsed = p.s.now()
	p.l.busy = false
	if err := p.s.store.putLedger(p.sess.ID, p.l.rec); err != nil {
		p.s.log.Error("could not persist a session's ledger; its last delivery may be settled short", "session", p.sess.ID, "error", err)
	}
	return requestFor(p.sess.ID, p.l.rec.Delivered)
}

// Receive records a client's receipt for a session: countersigned by its
// depositor or session key, at or above the last one, and naming exactly
// a state this node delivered the session to. It is on disk before it
// counts, and wakes a stream waiting for it.
func (s *Service) Receive(r chain.Receipt, sig []byte) error {
	sess, ok := s.sessions.Session(r.SessionID)
	if !ok || sess.Host != s.cfg.Host {
		return refused(inference.KindPaymentRefused, "session %s is not one this node serves", r.SessionID)
	}
	who, err := s.cfg.Domain.RecoverReceipt(r, sig)
	switch {
	case err != nil:
		return refused(inference.KindPaymentRefused, "the receipt signature is not valid: %v", err)
	case !signer(sess, who):
		return refused(inference.KindPaymentRefused, "the receipt is signed by %s, neither session %s's depositor nor its session key", who.Hex(), r.SessionID)
	}
	got := point{In: r.InputTokens, Out: r.OutputTokens, Chain: r.OutputChain}
	s.mu.Lock()
	l := s.ledgers[r.SessionID.String()]
	s.mu.Unlock()
	if l == nil {
		return refused(inference.KindInvalid, "this node delivered nothing on session %s", r.SessionID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur := l.rec.Receipt; cur != nil && cur.point == got {
		return nil // the same receipt again
	}
	at := -1
	for i, p := range l.rec.Points {
		if p == got {
			at = i
		}
	}
	if at < 0 {
		return refused(inference.KindInvalid, "the receipt (%d input, %d output tokens, chain %s) names no state this node delivered session %s to since its last receipt",
			got.In, got.Out, got.Chain.Hex(), r.SessionID)
	}
	next := l.rec
	next.Receipt = &receipt{point: got, Sig: append([]byte(nil), sig...)}
	next.Points = append([]point(nil), l.rec.Points[at:]...)
	if err := s.store.putLedger(r.SessionID, next); err != nil {
		return err
	}
	l.rec = next
	close(l.wake)
	l.wake = make(chan struct{})
	return nil
}
