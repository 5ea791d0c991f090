package payments

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// Transactions sends the node's transactions, once per id
// (host/chain's TxManager).
type Transactions interface {
	Submit(ctx context.Context, id string, to common.Address, data []byte, value *big.Int) error
	Status(id string) (chain.JobStatus, error)
}

// SettlerConfig tunes when sessions are settled.
type SettlerConfig struct {
	// Idle settles a session nobody has sent a request on for this long
	// (default 10 minutes): a client that vanished is settled up to its
	// last receipt plus the credit window.
	Idle time.Duration
	// Margin settles a session this long before its deadline at the
	// latest (default: the payment step's SettleMargin).
	Margin time.Duration
	// Batch is how many sessions one settleMany transaction carries
	// (default 10).
	Batch int
}

// Settler settles the sessions this node served on their highest
// receipt, plus a checkpoint of its own for at most the credit window
// beyond it, batching sessions per transaction. A session is due once its
// deadline is near or past (the client closed it, or it expires) or it
// has been idle; the ledger records the transaction before it is sent, so
// a crash neither loses a settlement nor sends one twice.
type Settler struct {
	p      *Service
	tx     Transactions
	key    *ecdsa.PrivateKey // the node's: signs checkpoints, only when settling
	escrow common.Address
	cfg    SettlerConfig
}

// NewSettler returns the settler of p's sessions.
func NewSettler(p *Service, tx Transactions, key *ecdsa.PrivateKey, cfg SettlerConfig) *Settler {
	if cfg.Idle <= 0 {
		cfg.Idle = 10 * time.Minute
	}
	if cfg.Margin <= 0 {
		cfg.Margin = p.cfg.SettleMargin
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 10
	}
	return &Settler{p: p, tx: tx, key: key, escrow: p.cfg.Domain.Escrow, cfg: cfg}
}

// due is one session ready to settle.
type due struct {
	l     *ledger
	entry bindings.SessionEscrowSettlement
}

// Settle makes one pass over the ledgers: it forgets finished sessions,
// retries settlements whose transaction failed, and sends what is due.
// It returns how many sessions it sent settlements for.
func (st *Settler) Settle(ctx context.Context) (int, error) {
	_, now := st.p.sessions.Head()
	st.p.mu.Lock()
	ledgers := make([]*ledger, 0, len(st.p.ledgers))
	for _, l := range st.p.ledgers {
		ledgers = append(ledgers, l)
	}
	st.p.mu.Unlock()
	sort.Slice(ledgers, func(i, j int) bool { return ledgers[i].id.Cmp(ledgers[j].id) < 0 })

	var ready []due
	var errs []error
	for _, l := range ledgers {
		d, err := st.check(l, now)
		if err != nil {
			errs = append(errs, err)
		}
		if d != nil {
			ready = append(ready, *d)
		}
	}
	sent := 0
	for len(ready) > 0 {
		n := min(len(ready), st.cfg.Batch)
		if err := st.send(ctx, ready[:n]); err != nil {
			errs = append(errs, err)
		} else {
			sent += n
		}
		ready = ready[n:]
	}
	return sent, errors.Join(errs...)
}

// check decides what to do with one ledger; a non-nil due is to settle.
func (st *Settler) check(l *ledger, now uint64) (*due, error) {
	sess, known := st.p.sessions.Session(l.id)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case !known || l.busy:
		return nil, nil
	case sess.State == chain.SessionSettled || sess.State == chain.SessionRefunded:
		// Finished on chain: nothing more to claim, and its id is never
		// reused.
		if err := st.p.store.forget(l.id); err != nil {
			return nil, err
		}
		st.p.mu.Lock()
		delete(st.p.ledgers, l.id.String())
		st.p.mu.Unlock()
		return nil, nil
	case l.rec.Settling != "":
		js, err := st.tx.Status(l.rec.Settling)
		switch {
		case errors.Is(err, chain.ErrUnknownJob):
			// Recorded, then the node stopped before the transaction
			// manager took it: nothing was sent.
		case err != nil:
			return nil, err
		case js.Final && !js.Success:
			st.p.log.Warn("a settlement failed; retrying", "session", l.id, "job", l.rec.Settling, "reason", js.Reason)
		default:
			return nil, nil // in flight, or mined and waiting for the monitor to see it
		}
		l.rec.Settling = ""
		if err := st.p.store.putLedger(l.id, l.rec); err != nil {
			return nil, err
		}
	}
	deadline := now+uint64(st.cfg.Margin/time.Second) >= sess.Deadline
	idle := st.p.now().Sub(l.rec.LastUsed) >= st.cfg.Idle
	if now > sess.SettleBy || !(deadline || idle) {
		return nil, nil
	}
	entry, claim, err := st.settlement(l, sess)
	if err != nil || !claim {
		return nil, err // nothing countersigned and nothing within the window: nothing to settle
	}
	return &due{l: l, entry: entry}, nil
}

// settlement is the escrow entry for l: its receipt (or the zero one) and,
// for what was delivered beyond it, a checkpoint of at most the credit
// window, signed now: a checkpoint handed out earlier could be submitted
// by anyone after the deadline.
func (st *Settler) settlement(l *ledger, sess chain.Session) (_ bindings.SessionEscrowSettlement, claim bool, _ error) {
	r := chain.Receipt{SessionID: l.id}
	var rsig []byte
	var got point
	if l.rec.Receipt != nil {
		got = l.rec.Receipt.point
		r.InputTokens, r.OutputTokens, r.OutputChain = got.In, got.Out, got.Chain
		rsig = l.rec.Receipt.Sig
	}
	var best *point
	for i := range l.rec.Points {
		p := l.rec.Points[i]
		if p != got && p.In >= got.In && p.Out >= got.Out && l.rec.unreceipted(p) <= uint64(sess.CreditWindow) {
			best = &p
		}
	}
	if best == nil {
		return chain.NewSettlement(r, rsig, nil, nil), l.rec.Receipt != nil, nil
	}
	cp := chain.Checkpoint{SessionID: l.id, InputTokens: best.In, OutputTokens: best.Out, OutputChain: best.Chain, PrevChain: got.Chain}
	sig, err := st.p.cfg.Domain.SignCheckpoint(cp, st.key)
	if err != nil {
		return bindings.SessionEscrowSettlement{}, false, err
	}
	return chain.NewSettlement(r, rsig, &cp, sig), true, nil
}

// send records one batch's job in its ledgers, then submits it.
func (st *Settler) send(ctx context.Context, batch []due) error {
	ids := make([]string, len(batch))
	list := make([]bindings.SessionEscrowSettlement, len(batch))
	for i, d := range batch {
		ids[i], list[i] = d.l.id.String(), d.entry
	}
	data := bindings.NewSessionEscrow().PackSettleMany(list)
	sum := sha256.Sum256(data)
	job := fmt.Sprintf("settle:%s:%s", strings.Join(ids, ","), hex.EncodeToString(sum[:6]))
	if len(job) > 200 {
		job = fmt.Sprintf("settle:%s..%s(%d):%s", ids[0], ids[len(ids)-1], len(ids), hex.EncodeToString(sum[:6]))
	}
	for _, d := range batch {
		d.l.mu.Lock()
		d.l.rec.Settling = job
		err := st.p.store.putLedger(d.l.id, d.l.rec)
		d.l.mu.Unlock()
		if err != nil {
			return err
		}
	}
	if err := st.tx.Submit(ctx, job, st.escrow, data, nil); err != nil {
		return fmt.Errorf("settling sessions %s: %w", strings.Join(ids, ", "), err)
	}
	st.p.log.Info("settling", "sessions", strings.Join(ids, ","), "job", job)
	return nil
}
