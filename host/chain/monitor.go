package chain

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/hashicorp/go-hclog"
	bolt "go.etcd.io/bbolt"

	"github.com/fabnode/fabnode/host/service"
)

// SessionState is where a session is in the escrow.
type SessionState uint8

const (
	// SessionOpen: open until its deadline (the expiry).
	SessionOpen SessionState = iota + 1
	// SessionClosing: the client closed it; the host can settle until
	// SettleBy.
	SessionClosing
	// SessionSettled: settled (Settlement says how); nothing more happens.
	SessionSettled
	// SessionRefunded: nobody settled it by SettleBy and the deposit went
	// back to the depositor.
	SessionRefunded
)

func (s SessionState) String() string {
	switch s {
	case SessionOpen:
		return "open"
	case SessionClosing:
		return "closing"
	case SessionSettled:
		return "settled"
	case SessionRefunded:
		return "refunded"
	}
	return fmt.Sprintf("SessionState(%d)", uint8(s))
}

// Session is the monitor's view of one escrow session of this host. Its
// big.Ints are the caller's own copies.
type Session struct {
	ID *big.Int
	// The terms the client opened it with.
	Depositor    common.Address
	Host         common.Address
	ModelID      [32]byte
	Token        common.Address // zero: native ETH
	Deposit      *big.Int
	InputPrice   *big.Int // per input token
	OutputPrice  *big.Int // per output token
	CreditWindow uint32
	Expiry       uint64
	SessionKey   common.Address // zero: none

	State SessionState
	// Deadline is the expiry, or the time the client closed the session;
	// SettleBy is Deadline + the escrow's dispute window, the last second
	// the host can settle (unix seconds, chain time).
	Deadline, SettleBy uint64

	OpenedBlock uint64
	OpenedTx    common.Hash
	// Confirmations counts the blocks from the opening's to the monitor's
	// last head, both included; Confirmed says it reached the configured
	// count, so the session may be served.
	Confirmations uint64
	Confirmed     bool

	// Settlement is the escrow's account of a settled session.
	Settlement *Settlement
	// Refund is the deposit a refunded session returned.
	Refund *big.Int
	// Skipped is the reason of the latest settleMany entry the escrow
	// skipped for this session (SKIP_NOT_OPEN 1, SKIP_WINDOW_CLOSED 2), or 0.
	Skipped uint8
}

// Settlement is what a SessionSettled event reports.
type Settlement struct {
	InputTokens, OutputTokens uint64
	OutputChain               common.Hash
	WithCheckpoint            bool
	HostAmount, Fee, Refund   *big.Int
	Block                     uint64
	Tx                        common.Hash
}

// Usable reports whether the payment step may serve on s: confirmed and
// still open at chain time now (before its deadline).
func (s Session) Usable(now uint64) bool {
	return s.Confirmed && (s.State == SessionOpen || s.State == SessionClosing) && now < s.Deadline
}

func (s Session) clone() Session {
	c := s
	c.ID = cloneBig(s.ID)
	c.Deposit, c.InputPrice, c.OutputPrice, c.Refund = cloneBig(s.Deposit), cloneBig(s.InputPrice), cloneBig(s.OutputPrice), cloneBig(s.Refund)
	if s.Settlement != nil {
		st := *s.Settlement
		st.HostAmount, st.Fee, st.Refund = cloneBig(st.HostAmount), cloneBig(st.Fee), cloneBig(st.Refund)
		c.Settlement = &st
	}
	return c
}

func cloneBig(v *big.Int) *big.Int {
	if v == nil {
		return nil
	}
	return new(big.Int).Set(v)
}

var (
	bucketMonMeta     = []byte("mon.meta")
	bucketMonSessions = []byte("mon.sessions") // session id (32 bytes) → sessionRecord
)

type blockRef struct {
	Number uint64      `json:"number"`
	Hash   common.Hash `json:"hash"`
}

// sessionRecord is what the store keeps of a session: the escrow's logs
// about it, as received. The view is folded from them, so a log a reorg
// removes is simply taken out.
type sessionRecord struct {
	Logs []types.Log `json:"logs"`
}

type sessionEntry struct {
	logs   []types.Log
	view   Session
	opened bool
}

var (
	escrowEvents = escrowABI.GetABI().Events
	sigOpened    = escrowEvents["SessionOpened"].ID
	sigClosing   = escrowEvents["SessionClosing"].ID
	sigSettled   = escrowEvents["SessionSettled"].ID
	sigRefunded  = escrowEvents["SessionRefunded"].ID
	sigSkipped   = escrowEvents["SettlementSkipped"].ID
)

// Monitor follows the escrow's events that concern this host:
// SessionOpened naming it, SessionClosing, SessionSettled and
// SessionRefunded naming it, and SettlementSkipped of its sessions. It
// keeps them in the Store and serves an in-memory view of the sessions,
// safe for concurrent use.
//
// It polls eth_getLogs over block ranges every PollInterval from where it
// stopped (persisted with the logs, so a restart resumes there), and, where
// the endpoint supports subscriptions (ws, IPC), also takes logs as they
// come, honouring Removed. A log is identified by (block hash, log index)
// and applied once. Reorgs: each poll checks that the last block it
// processed is still canonical; when it is not, the monitor goes back to
// the newest block it knows that still is, removes every log above it and
// reads the range again. Logs in the last ReorgDepth blocks are checked
// against the canonical block hashes before they are applied. A session is
// Confirmed once its opening has Config.Confirmations blocks.
type Monitor struct {
	b             Backend
	db            *bolt.DB
	cfg           Config
	host          common.Address
	scope         string
	log           hclog.Logger
	disputeWindow uint64

	applyMu sync.Mutex // serialises changes: polls and live logs

	mu       sync.RWMutex
	sessions map[[32]byte]*sessionEntry
	head     uint64
	headTime uint64
	cursor   blockRef
	started  bool // cursor is valid
	history  []blockRef
	synced   chan struct{}
	isSynced bool

	loop service.Loop // runs run from Start to Stop
}

// NewMonitor returns a monitor of cfg.Escrow's sessions naming host, its
// state in store. Call Start to run it.
func NewMonitor(b Backend, store *Store, host common.Address, chainID *big.Int, cfg Config, log hclog.Logger) (*Monitor, error) {
	if err := store.buckets(bucketMonMeta, bucketMonSessions); err != nil {
		return nil, err
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Monitor{
		b: b, db: store.db, cfg: cfg.withDefaults(), host: host, log: log.Named("sessions"),
		scope:    fmt.Sprintf("%v:%s:%s", chainID, cfg.Escrow.Hex(), host.Hex()),
		sessions: map[[32]byte]*sessionEntry{}, synced: make(chan struct{}),
	}, nil
}

// Name implements service.Service.
func (m *Monitor) Name() string { return "chain session monitor" }

// Start loads the stored sessions, reads the escrow's dispute window and
// follows the chain until Stop. It fails when no contract is at the escrow
// address.
func (m *Monitor) Start(ctx context.Context) error {
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	defer cancel()
	code, err := m.b.CodeAt(cctx, m.cfg.Escrow, nil)
	if err != nil {
		return fmt.Errorf("escrow code: %s", m.cfg.scrub(err))
	}
	if len(code) == 0 {
		return fmt.Errorf("no contract at chain.escrow %s: deploy one (`fabnode chain deploy`) or check the network", m.cfg.Escrow.Hex())
	}
	out, err := m.b.CallContract(cctx, ethereum.CallMsg{To: &m.cfg.Escrow, Data: escrowABI.PackDisputeWindow()}, nil)
	if err != nil {
		return fmt.Errorf("escrow disputeWindow(): %s", m.cfg.scrub(err))
	}
	dw, err := escrowABI.UnpackDisputeWindow(out)
	if err != nil {
		return fmt.Errorf("chain.escrow %s is not a SessionEscrow: %w", m.cfg.Escrow.Hex(), err)
	}
	m.disputeWindow = uint64(dw)
	if err := m.load(); err != nil {
		return err
	}
	m.loop = service.Loop{ServiceName: m.Name(), Run: m.run}
	return m.loop.Start(ctx)
}

// Stop ends the monitor's goroutines; its state stays in the store.
func (m *Monitor) Stop(ctx context.Context) error { return m.loop.Stop(ctx) }

func (m *Monitor) load() error {
	return m.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMonMeta)
		if s := meta.Get([]byte("scope")); s != nil && string(s) != m.scope {
			m.log.Warn("the stored sessions are of another escrow, chain or host; following this one from scratch", "was", string(s), "now", m.scope)
			for _, b := range [][]byte{bucketMonMeta, bucketMonSessions} {
				if err := tx.DeleteBucket(b); err != nil {
					return err
				}
				if _, err := tx.CreateBucket(b); err != nil {
					return err
				}
			}
			meta = tx.Bucket(bucketMonMeta)
		}
		if err := meta.Put([]byte("scope"), []byte(m.scope)); err != nil {
			return err
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if c := meta.Get([]byte("cursor")); c != nil {
			if err := json.Unmarshal(c, &m.cursor); err != nil {
				return fmt.Errorf("monitor cursor: %w", err)
			}
			m.started = true
		}
		if h := meta.Get([]byte("history")); h != nil {
			if err := json.Unmarshal(h, &m.history); err != nil {
				return fmt.Errorf("monitor history: %w", err)
			}
		}
		n := 0
		err := tx.Bucket(bucketMonSessions).ForEach(func(k, v []byte) error {
			var r sessionRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("session %x: %w", k, err)
			}
			e := &sessionEntry{logs: r.Logs}
			m.refold(e)
			m.sessions[[32]byte(k)] = e
			n++
			return nil
		})
		if m.started {
			m.log.Info("resuming the session monitor", "sessions", n, "after_block", m.cursor.Number)
		}
		return err
	})
}

func (m *Monitor) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.subscribe(ctx)
	}()
	defer wg.Wait()
	failing := 0
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := m.poll(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := m.cfg.PollInterval
		switch {
		case err != nil:
			failing++
			delay = max(delay, backoff(m.cfg.PollInterval, failing))
			if failing == 1 || failing%20 == 0 {
				m.log.Warn("chain RPC failing; the session view is not updated", "error", m.cfg.scrub(err), "failures", failing, "retry_in", delay)
			}
		case failing > 0:
			m.log.Info("chain RPC answers again; the session view is up to date", "after_failures", failing)
			failing = 0
		}
		t.Reset(delay)
	}
}

// errRetry: the chain moved under a poll; it is repeated at the next one.
var errRetry = errors.New("chain changed during the poll")

func (m *Monitor) header(ctx context.Context, n *big.Int) (*types.Header, error) {
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	defer cancel()
	h, err := m.b.HeaderByNumber(cctx, n)
	if err != nil {
		return nil, fmt.Errorf("header %v: %w", n, err)
	}
	return h, nil
}

// poll catches up with the head, a range at a time.
func (m *Monitor) poll(ctx context.Context) error {
	head, err := m.header(ctx, nil)
	if err != nil {
		return err
	}
	hn := head.Number.Uint64()
	m.mu.Lock()
	m.head, m.headTime = hn, head.Time
	cursor, started := m.cursor, m.started
	m.mu.Unlock()

	var from uint64
	switch {
	case !started:
		from = m.cfg.StartBlock
		if from == 0 || from > hn {
			from = hn
		}
		m.log.Info("session monitor starts following the escrow", "escrow", m.cfg.Escrow.Hex(), "host", m.host.Hex(), "from_block", from)
	case cursor.Number > hn:
		// The chain is shorter than what the monitor read: an endpoint
		// behind the one before, or a chain that started again. Go back to
		// a block both know (a lagging endpoint costs a re-read).
		if err := m.rewind(ctx, hn); err != nil {
			return err
		}
		m.mu.RLock()
		cursor = m.cursor
		m.mu.RUnlock()
		from = cursor.Number + 1
	default:
		h := head
		if cursor.Number != hn {
			if h, err = m.header(ctx, new(big.Int).SetUint64(cursor.Number)); err != nil {
				return err
			}
		}
		if h.Hash() != cursor.Hash {
			if err := m.rewind(ctx, hn); err != nil {
				return err
			}
			m.mu.RLock()
			cursor = m.cursor
			m.mu.RUnlock()
		}
		from = cursor.Number + 1
	}
	for from <= hn {
		to := min(hn, from+m.cfg.MaxLogRange-1)
		if err := m.fetch(ctx, from, to, hn, head); err != nil {
			return err
		}
		from = to + 1
	}
	m.mu.Lock()
	if !m.isSynced {
		m.isSynced = true
		close(m.synced)
	}
	m.mu.Unlock()
	return nil
}

func (m *Monitor) queries(from, to uint64) []ethereum.FilterQuery {
	host := common.BytesToHash(m.host[:])
	f, t := new(big.Int).SetUint64(from), new(big.Int).SetUint64(to)
	addr := []common.Address{m.cfg.Escrow}
	return []ethereum.FilterQuery{
		{FromBlock: f, ToBlock: t, Addresses: addr, Topics: [][]common.Hash{{sigOpened}, nil, nil, {host}}},
		{FromBlock: f, ToBlock: t, Addresses: addr, Topics: [][]common.Hash{{sigClosing, sigSettled, sigRefunded}, nil, {host}}},
		{FromBlock: f, ToBlock: t, Addresses: addr, Topics: [][]common.Hash{{sigSkipped}}},
	}
}

// fetch reads the logs of [from, to], checks the recent ones against the
// canonical chain, and applies them with the new cursor in one store
// transaction.
func (m *Monitor) fetch(ctx context.Context, from, to, hn uint64, head *types.Header) error {
	var logs []types.Log
	for _, q := range m.queries(from, to) {
		cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
		ls, err := m.b.FilterLogs(cctx, q)
		cancel()
		if err != nil {
			return fmt.Errorf("logs %d-%d: %w", from, to, err)
		}
		logs = append(logs, ls...)
	}
	canon := map[uint64]common.Hash{hn: head.Hash()}
	hashAt := func(n uint64) (common.Hash, error) {
		if h, ok := canon[n]; ok {
			return h, nil
		}
		hd, err := m.header(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			return common.Hash{}, err
		}
		canon[n] = hd.Hash()
		return canon[n], nil
	}
	for _, l := range logs {
		if l.Removed || l.BlockNumber+ReorgDepth <= hn {
			continue
		}
		h, err := hashAt(l.BlockNumber)
		if err != nil {
			return err
		}
		if h != l.BlockHash {
			return errRetry
		}
	}
	toHash, err := hashAt(to)
	if err != nil {
		return err
	}
	if to == hn { // the head may have moved to another block at this height
		if again, err := m.header(ctx, new(big.Int).SetUint64(to)); err != nil {
			return err
		} else if again.Hash() != toHash {
			return errRetry
		}
	}
	slices.SortFunc(logs, logOrder)
	fetched := map[logKey]bool{}
	for _, l := range logs {
		fetched[keyOf(l)] = true
	}
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	changed := map[[32]byte]*sessionEntry{}
	m.mu.RLock()
	// Drop what this range no longer holds (a live log of a block that a
	// reorg replaced since).
	for id, e := range m.sessions {
		if slices.ContainsFunc(e.logs, func(l types.Log) bool {
			return l.BlockNumber >= from && l.BlockNumber <= to && !fetched[keyOf(l)]
		}) {
			changed[id] = e
		}
	}
	m.mu.RUnlock()
	next := map[[32]byte]*sessionEntry{}
	for id, e := range changed {
		next[id] = &sessionEntry{logs: slices.DeleteFunc(slices.Clone(e.logs), func(l types.Log) bool {
			return l.BlockNumber >= from && l.BlockNumber <= to && !fetched[keyOf(l)]
		})}
	}
	for _, l := range logs {
		if l.Removed {
			continue
		}
		m.addTo(next, l)
	}
	ref := blockRef{Number: to, Hash: toHash}
	m.mu.RLock()
	hist := append(slices.Clone(m.history), ref)
	m.mu.RUnlock()
	hist = trimHistory(hist, to)
	return m.commit(next, &ref, hist)
}

func trimHistory(h []blockRef, top uint64) []blockRef {
	h = slices.DeleteFunc(h, func(b blockRef) bool { return b.Number > top || b.Number+ReorgDepth < top })
	if len(h) > 64 {
		h = h[len(h)-64:]
	}
	return h
}

// addTo adds l to its session's entry in next (a copy of the current one
// when next has none yet), unless it is already there or concerns no
// session of this host.
func (m *Monitor) addTo(next map[[32]byte]*sessionEntry, l types.Log) {
	if len(l.Topics) < 2 {
		return
	}
	id := [32]byte(l.Topics[1])
	e, ok := next[id]
	if !ok {
		m.mu.RLock()
		cur := m.sessions[id]
		m.mu.RUnlock()
		if cur == nil && l.Topics[0] != sigOpened {
			return // not a session of this host (or one opened before the monitor started)
		}
		e = &sessionEntry{}
		if cur != nil {
			e.logs = slices.Clone(cur.logs)
		}
		next[id] = e
	}
	k := keyOf(l)
	if slices.ContainsFunc(e.logs, func(x types.Log) bool { return keyOf(x) == k }) {
		return
	}
	e.logs = append(e.logs, l)
	slices.SortFunc(e.logs, logOrder)
}

// commit stores the changed sessions (and the cursor, when given) in one
// transaction, then swaps them into the view.
func (m *Monitor) commit(next map[[32]byte]*sessionEntry, cursor *blockRef, hist []blockRef) error {
	err := m.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMonSessions)
		for id, e := range next {
			if len(e.logs) == 0 {
				if err := b.Delete(id[:]); err != nil {
					return err
				}
				continue
			}
			v, err := json.Marshal(sessionRecord{Logs: e.logs})
			if err != nil {
				return err
			}
			if err := b.Put(id[:], v); err != nil {
				return err
			}
		}
		if cursor == nil {
			return nil
		}
		meta := tx.Bucket(bucketMonMeta)
		c, _ := json.Marshal(cursor)
		h, _ := json.Marshal(hist)
		if err := meta.Put([]byte("cursor"), c); err != nil {
			return err
		}
		return meta.Put([]byte("history"), h)
	})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, e := range next {
		if len(e.logs) == 0 {
			if old := m.sessions[id]; old != nil && old.opened {
				m.log.Warn("a reorg removed a session from the chain", "session", old.view.ID)
			}
			delete(m.sessions, id)
			continue
		}
		old := m.sessions[id]
		m.refold(e)
		m.sessions[id] = e
		m.logChange(old, e)
	}
	if cursor != nil {
		m.cursor, m.started, m.history = *cursor, true, hist
	}
	return nil
}

func (m *Monitor) logChange(old, e *sessionEntry) {
	switch {
	case !e.opened:
		if old != nil && old.opened {
			m.log.Warn("a reorg removed a session's opening; it is out of the view", "session", old.view.ID)
		}
	case old == nil || !old.opened:
		v := e.view
		m.log.Info("session opened", "session", v.ID, "depositor", v.Depositor.Hex(), "deposit", v.Deposit, "token", v.Token.Hex(),
			"block", v.OpenedBlock)
	case old.view.State != e.view.State:
		m.log.Info("session "+e.view.State.String(), "session", e.view.ID, "deadline", e.view.Deadline, "settle_by", e.view.SettleBy)
	}
}

// rewind finds the newest block the monitor processed that is still
// canonical, removes every log above it and moves the cursor there.
func (m *Monitor) rewind(ctx context.Context, hn uint64) error {
	m.mu.RLock()
	cands := slices.Clone(m.history)
	old := m.cursor
	for _, e := range m.sessions {
		for _, l := range e.logs {
			if l.BlockNumber+ReorgDepth >= old.Number {
				cands = append(cands, blockRef{Number: l.BlockNumber, Hash: l.BlockHash})
			}
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(cands, func(a, b blockRef) int { return cmp.Compare(b.Number, a.Number) })
	var safe *blockRef
	for _, c := range cands {
		if c.Number > hn || c.Number >= old.Number && c.Hash == old.Hash {
			continue
		}
		h, err := m.header(ctx, new(big.Int).SetUint64(c.Number))
		if err != nil {
			return err
		}
		if h.Hash() == c.Hash {
			safe = &c
			break
		}
	}
	if safe == nil {
		n := uint64(0)
		if old.Number > ReorgDepth {
			n = old.Number - ReorgDepth
		}
		n = min(n, hn)
		h, err := m.header(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			return err
		}
		safe = &blockRef{Number: n, Hash: h.Hash()}
		m.log.Error("a reorg deeper than the monitor follows; reading the escrow's logs again", "from_block", n+1)
	}
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	next := map[[32]byte]*sessionEntry{}
	m.mu.RLock()
	for id, e := range m.sessions {
		if slices.ContainsFunc(e.logs, func(l types.Log) bool { return l.BlockNumber > safe.Number }) {
			next[id] = &sessionEntry{logs: slices.DeleteFunc(slices.Clone(e.logs), func(l types.Log) bool { return l.BlockNumber > safe.Number })}
		}
	}
	hist := trimHistory(slices.Clone(m.history), safe.Number)
	m.mu.RUnlock()
	m.log.Warn("chain reorg: reading the escrow's logs again", "dropped_after_block", safe.Number, "was_at", old.Number, "sessions_touched", len(next))
	return m.commit(next, safe, hist)
}

// subscribe applies logs as the endpoint pushes them, where it can.
func (m *Monitor) subscribe(ctx context.Context) {
	q := ethereum.FilterQuery{Addresses: []common.Address{m.cfg.Escrow},
		Topics: [][]common.Hash{{sigOpened, sigClosing, sigSettled, sigRefunded, sigSkipped}}}
	for attempt := 1; ; attempt++ {
		ch := make(chan types.Log, 256)
		sub, err := m.b.SubscribeFilterLogs(ctx, q, ch)
		if errors.Is(err, rpc.ErrNotificationsUnsupported) {
			m.log.Debug("the endpoint pushes no logs (http); polling only")
			return
		}
		if err == nil {
			attempt = 0
			err = m.follow(ctx, sub, ch)
		}
		if ctx.Err() != nil {
			return
		}
		d := backoff(time.Second, attempt)
		m.log.Debug("log subscription ended; polling goes on, subscribing again", "error", m.cfg.scrub(err), "in", d)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
}

func (m *Monitor) follow(ctx context.Context, sub ethereum.Subscription, ch <-chan types.Log) error {
	defer sub.Unsubscribe()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-sub.Err():
			if err == nil {
				err = errors.New("subscription closed")
			}
			return err
		case l := <-ch:
			if err := m.applyLive(l); err != nil {
				m.log.Warn("could not store a log; the next poll reads it again", "error", err)
			}
		}
	}
}

// applyLive applies one pushed log: removed ones leave the view.
func (m *Monitor) applyLive(l types.Log) error {
	if len(l.Topics) < 2 || !m.concerns(l) {
		return nil
	}
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	next := map[[32]byte]*sessionEntry{}
	if l.Removed {
		id := [32]byte(l.Topics[1])
		m.mu.RLock()
		cur := m.sessions[id]
		m.mu.RUnlock()
		if cur == nil {
			return nil
		}
		k := keyOf(l)
		logs := slices.DeleteFunc(slices.Clone(cur.logs), func(x types.Log) bool { return keyOf(x) == k })
		if len(logs) == len(cur.logs) {
			return nil
		}
		next[id] = &sessionEntry{logs: logs}
	} else {
		m.addTo(next, l)
		if len(next) == 0 {
			return nil
		}
	}
	return m.commit(next, nil, nil)
}

// concerns reports whether a pushed log names this host (SettlementSkipped
// names none: addTo keeps only those of known sessions).
func (m *Monitor) concerns(l types.Log) bool {
	host := common.BytesToHash(m.host[:])
	switch l.Topics[0] {
	case sigOpened:
		return len(l.Topics) > 3 && l.Topics[3] == host
	case sigClosing, sigSettled, sigRefunded:
		return len(l.Topics) > 2 && l.Topics[2] == host
	case sigSkipped:
		return true
	}
	return false
}

type logKey struct {
	block common.Hash
	index uint
}

func keyOf(l types.Log) logKey { return logKey{l.BlockHash, l.Index} }

func logOrder(a, b types.Log) int {
	if c := cmp.Compare(a.BlockNumber, b.BlockNumber); c != 0 {
		return c
	}
	return cmp.Compare(a.Index, b.Index)
}

// refold computes e's view from its logs (m.mu held or e not shared).
func (m *Monitor) refold(e *sessionEntry) {
	var s Session
	e.opened = false
	for i := range e.logs {
		l := &e.logs[i]
		switch l.Topics[0] {
		case sigOpened:
			ev, err := escrowABI.UnpackSessionOpenedEvent(l)
			if err != nil {
				continue
			}
			e.opened = true
			s = Session{ID: ev.SessionId, Depositor: ev.Depositor, Host: ev.Host, ModelID: ev.ModelId, Token: ev.Token,
				Deposit: ev.Deposit, InputPrice: ev.InputPrice, OutputPrice: ev.OutputPrice, CreditWindow: ev.CreditWindow,
				Expiry: ev.Expiry, SessionKey: ev.SessionKey, State: SessionOpen,
				Deadline: ev.Expiry, SettleBy: ev.Expiry + m.disputeWindow, OpenedBlock: l.BlockNumber, OpenedTx: l.TxHash}
		case sigClosing:
			if ev, err := escrowABI.UnpackSessionClosingEvent(l); err == nil {
				s.Deadline, s.SettleBy = ev.Deadline, ev.SettleBy
				if s.State == SessionOpen {
					s.State = SessionClosing
				}
			}
		case sigSettled:
			if ev, err := escrowABI.UnpackSessionSettledEvent(l); err == nil {
				s.State = SessionSettled
				s.Settlement = &Settlement{InputTokens: ev.InputTokens, OutputTokens: ev.OutputTokens, OutputChain: ev.OutputChain,
					WithCheckpoint: ev.WithCheckpoint, HostAmount: ev.HostAmount, Fee: ev.Fee, Refund: ev.Refund,
					Block: l.BlockNumber, Tx: l.TxHash}
			}
		case sigRefunded:
			if ev, err := escrowABI.UnpackSessionRefundedEvent(l); err == nil {
				s.State, s.Refund = SessionRefunded, ev.Amount
			}
		case sigSkipped:
			if ev, err := escrowABI.UnpackSettlementSkippedEvent(l); err == nil {
				s.Skipped = ev.Reason
			}
		}
	}
	if s.ID == nil && len(e.logs) > 0 {
		s.ID = new(big.Int).SetBytes(e.logs[0].Topics[1][:])
	}
	e.view = s
}

// Session returns the view of session id, when it is a session of this
// host whose opening is in the chain (Confirmed says whether it has the
// configured confirmations).
func (m *Monitor) Session(id *big.Int) (Session, bool) {
	if id == nil || id.Sign() < 0 || id.BitLen() > 256 {
		return Session{}, false
	}
	k := [32]byte(id.FillBytes(make([]byte, 32)))
	m.mu.RLock()
	defer m.mu.RUnlock()
	e := m.sessions[k]
	if e == nil || !e.opened {
		return Session{}, false
	}
	return m.withConfirmations(e.view), true
}

func (m *Monitor) withConfirmations(s Session) Session {
	c := s.clone()
	if m.head >= s.OpenedBlock {
		c.Confirmations = m.head - s.OpenedBlock + 1
	}
	c.Confirmed = c.Confirmations >= m.cfg.Confirmations
	return c
}

// OpenSessions returns the sessions still to settle (open or closing, the
// unconfirmed included), the soonest SettleBy first.
func (m *Monitor) OpenSessions() []Session {
	m.mu.RLock()
	var out []Session
	for _, e := range m.sessions {
		if e.opened && (e.view.State == SessionOpen || e.view.State == SessionClosing) {
			out = append(out, m.withConfirmations(e.view))
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Session) int {
		if c := cmp.Compare(a.SettleBy, b.SettleBy); c != 0 {
			return c
		}
		return a.ID.Cmp(b.ID)
	})
	return out
}

// Head is the block number and time (unix seconds) of the chain head at
// the monitor's last poll.
func (m *Monitor) Head() (number, time uint64) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.head, m.headTime
}

// Synced is closed once the monitor has caught up with the head once:
// before, a session it does not know may just not be read yet.
func (m *Monitor) Synced() <-chan struct{} { return m.synced }

// Cursor is the last block the monitor has processed.
func (m *Monitor) Cursor() (number uint64, ok bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.cursor.Number, m.started
}
