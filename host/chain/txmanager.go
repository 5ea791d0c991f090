package chain

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hashicorp/go-hclog"
	bolt "go.etcd.io/bbolt"

	"github.com/fabnode/fabnode/host/service"
)

// JobState is where a transaction job is.
type JobState uint8

const (
	// JobQueued: accepted, not signed yet (or its nonce was taken by another
	// transaction and it waits to be signed again).
	JobQueued JobState = iota + 1
	// JobSent: signed and sent, perhaps replaced with a higher fee; not in
	// a block.
	JobSent
	// JobMined: in a block, successful or reverted (JobStatus.Success); final
	// once it has the configured confirmations (JobStatus.Final).
	JobMined
	// JobFailed: never sent, and never will be: its gas estimation reverted
	// or the node refused it for good. Nothing was paid.
	JobFailed
)

func (s JobState) String() string {
	switch s {
	case JobQueued:
		return "queued"
	case JobSent:
		return "sent"
	case JobMined:
		return "mined"
	case JobFailed:
		return "failed"
	}
	return fmt.Sprintf("JobState(%d)", uint8(s))
}

// MarshalText writes the state's name.
func (s JobState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name.
func (s *JobState) UnmarshalText(b []byte) error {
	for _, v := range []JobState{JobQueued, JobSent, JobMined, JobFailed} {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown job state %q", b)
}

// JobStatus is what the manager knows of a job.
type JobStatus struct {
	ID    string
	State JobState
	From  common.Address
	To    *common.Address // nil: a contract creation
	// Nonce is valid when HasNonce: the job's transactions all carry it.
	Nonce    uint64
	HasNonce bool
	// TxHash is the mined transaction's hash, else the latest one sent.
	TxHash common.Hash
	// Sends counts the transactions signed for the job: 1 plus its fee bumps
	// (and any signed again after another transaction took the nonce);
	// Hashes lists them, oldest first. At most one of them is ever mined.
	Sends  int
	Hashes []common.Hash
	// Success: mined and not reverted.
	Success bool
	// Reason says why a mined job reverted (its decoded custom error) or
	// why a job failed.
	Reason        string
	Receipt       *types.Receipt // when mined
	Confirmations uint64         // when mined: blocks on top of it, its own included
	// Final: mined with the configured confirmations, or failed. A final
	// job never changes again.
	Final bool
	// ContractAddress is the created contract of a successful deployment.
	ContractAddress common.Address
}

// Done reports whether the job is final.
func (s JobStatus) Done() bool { return s.Final }

var (
	// ErrUnknownJob: no job has this id.
	ErrUnknownJob = errors.New("chain: unknown transaction job")
	// ErrJobConflict: a job with this id exists with another transaction.
	ErrJobConflict = errors.New("chain: a job with this id exists with other contents")
)

var (
	bucketJobs  = []byte("tx.jobs") // id → jobRecord (JSON)
	bucketOpen  = []byte("tx.open") // seq (8 bytes) → id, for jobs not final
	bucketTxMet = []byte("tx.meta") // "next:<address>" → next nonce (8 bytes)
)

// attempt is one signed transaction of a job.
type attempt struct {
	Raw    hexutil.Bytes `json:"raw"` // the signed transaction, as sent
	Hash   common.Hash   `json:"hash"`
	Tip    *big.Int      `json:"tip"`     // gas tip cap (legacy: the gas price)
	FeeCap *big.Int      `json:"fee_cap"` // gas fee cap (legacy: the gas price)
	Signed time.Time     `json:"signed"`
	// Sent is when a node last accepted it; zero until one did.
	Sent time.Time `json:"sent,omitzero"`
	// Err is the last refusal; Underpriced asks for a bump now.
	Err         string `json:"err,omitempty"`
	Underpriced bool   `json:"underpriced,omitempty"`
}

type jobRecord struct {
	ID       string          `json:"id"`
	Seq      uint64          `json:"seq"`
	From     common.Address  `json:"from"`
	To       *common.Address `json:"to,omitempty"`
	Data     hexutil.Bytes   `json:"data"`
	Value    *big.Int        `json:"value,omitempty"`
	GasLimit uint64          `json:"gas_limit,omitempty"`
	State    JobState        `json:"state"`
	Nonce    *uint64         `json:"nonce,omitempty"`
	Attempts []attempt       `json:"attempts,omitempty"`
	// Lost are attempts whose nonce another transaction took: never
	// mineable again, kept for the record.
	Lost    []attempt      `json:"lost,omitempty"`
	Receipt *types.Receipt `json:"receipt,omitempty"`
	Reason  string         `json:"reason,omitempty"`
	Final   bool           `json:"final,omitempty"`
	Created time.Time      `json:"created"`
	// BumpTry is the last time a bump was wanted but the fee cap allowed
	// none, so the next is not tried at every poll.
	BumpTry time.Time `json:"bump_try,omitzero"`
}

func (j *jobRecord) status(confirmations uint64, head uint64) JobStatus {
	s := JobStatus{ID: j.ID, State: j.State, From: j.From, To: j.To, Sends: len(j.Attempts) + len(j.Lost),
		Reason: j.Reason, Receipt: j.Receipt, Final: j.Final}
	if j.Nonce != nil {
		s.Nonce, s.HasNonce = *j.Nonce, true
	}
	for _, a := range slices.Concat(j.Lost, j.Attempts) {
		s.Hashes = append(s.Hashes, a.Hash)
	}
	if n := len(j.Attempts); n > 0 {
		s.TxHash = j.Attempts[n-1].Hash
	}
	if r := j.Receipt; r != nil {
		s.TxHash = r.TxHash
		s.Success = r.Status == types.ReceiptStatusSuccessful
		if s.Success {
			s.ContractAddress = r.ContractAddress
		}
		if b := r.BlockNumber.Uint64(); head >= b {
			s.Confirmations = head - b + 1
		}
		if j.Final && s.Confirmations < confirmations {
			s.Confirmations = confirmations
		}
	}
	return s
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// TxManager sends the node's transactions: one queue of jobs, persisted in
// the Store, each sent as one transaction (replaced with a higher fee while
// it is stuck, always with the same nonce) until it is mined with the
// configured confirmations.
//
//   - Nonces come from its own counter, persisted with the jobs and moved
//     on to the chain's pending nonce when another sender used the key.
//   - Fees are EIP-1559: tip = eth_maxPriorityFeePerGas, fee cap = 2 × base
//     fee + tip, capped by Config.MaxFee. A transaction not mined after
//     Config.BumpAfter is replaced: tip and fee cap +20% (at least the
//     current suggestion), same nonce, so at most one of them is mined.
//   - A job is signed and its signed transaction persisted before it is
//     sent; after a restart the same bytes are sent again, so a crash
//     between signing and sending never makes a second transaction.
//   - Receipts are polled every Config.ReceiptPoll (not bind.WaitMined's
//     second); RPC failures back off exponentially up to 30 s and retry.
//   - A mined job that a reorg removes goes back to sent and is sent again.
//   - Gas is estimated before a job gets a nonce: a job whose estimation
//     reverts fails (JobFailed, with the decoded reason) and costs nothing.
type TxManager struct {
	b       Backend
	db      *bolt.DB
	key     *ecdsa.PrivateKey
	from    common.Address
	chainID *big.Int
	signer  types.Signer
	cfg     Config
	log     hclog.Logger
	onEnd   func(JobStatus)

	mu      sync.Mutex
	waiters map[string][]chan struct{}
	head    uint64 // last head seen, for Status's confirmations

	wake chan struct{}
	loop service.Loop // runs run from Start to Stop

	// Owned by the worker goroutine.
	next     uint64
	haveNext bool
	failing  int
	lastErr  map[string]string // job id → last logged send error
}

// NewTxManager returns a manager sending from key's address on chain
// chainID through b, its queue in store. Call Start to run it.
func NewTxManager(b Backend, store *Store, key *ecdsa.PrivateKey, chainID *big.Int, cfg Config, log hclog.Logger) (*TxManager, error) {
	if err := store.buckets(bucketJobs, bucketOpen, bucketTxMet); err != nil {
		return nil, err
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	m := &TxManager{
		b: b, db: store.db, key: key, from: crypto.PubkeyToAddress(key.PublicKey), chainID: new(big.Int).Set(chainID),
		signer: types.LatestSignerForChainID(chainID), cfg: cfg.withDefaults(), log: log.Named("tx"),
		waiters: map[string][]chan struct{}{}, wake: make(chan struct{}, 1), lastErr: map[string]string{},
	}
	return m, nil
}

// OnEnd sets a function called (on the manager's goroutine, so briefly)
// with every job that becomes final, including jobs resumed after a
// restart that nobody waits for. Set it before Start.
func (m *TxManager) OnEnd(fn func(JobStatus)) { m.onEnd = fn }

// Address is the account the manager sends from.
func (m *TxManager) Address() common.Address { return m.from }

// Name implements service.Service.
func (m *TxManager) Name() string { return "chain transactions" }

// Start resumes the unfinished jobs and runs the queue until Stop.
func (m *TxManager) Start(ctx context.Context) error {
	if err := m.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketTxMet).Get(m.nextKey()); len(v) == 8 {
			m.next, m.haveNext = binary.BigEndian.Uint64(v), true
		}
		return nil
	}); err != nil {
		return err
	}
	jobs, err := m.openJobs(true)
	if err != nil {
		return err
	}
	mine, other := 0, map[common.Address]int{}
	for _, j := range jobs {
		if j.From == m.from {
			mine++
		} else {
			other[j.From]++
		}
	}
	if mine > 0 {
		m.log.Info("resuming unconfirmed transactions", "jobs", mine, "from", m.from.Hex())
	}
	for a, n := range other {
		m.log.Warn("unconfirmed transactions of another key stay queued (the node key changed?)", "jobs", n, "from", a.Hex())
	}
	m.loop = service.Loop{ServiceName: m.Name(), Run: m.run}
	return m.loop.Start(ctx)
}

// Stop ends the queue's goroutine; unfinished jobs stay in the store.
func (m *TxManager) Stop(ctx context.Context) error { return m.loop.Stop(ctx) }

// Submit queues a call of to with data and value (nil: none) under id. A
// second Submit of the same id is a no-op (and an error, ErrJobConflict,
// when its transaction differs). The job survives restarts until it is
// final.
func (m *TxManager) Submit(ctx context.Context, id string, to common.Address, data []byte, value *big.Int) error {
	return m.submit(ctx, id, &to, data, value)
}

// SubmitDeploy queues a contract creation (code and constructor arguments).
func (m *TxManager) SubmitDeploy(ctx context.Context, id string, code []byte, value *big.Int) error {
	return m.submit(ctx, id, nil, code, value)
}

func (m *TxManager) submit(ctx context.Context, id string, to *common.Address, data []byte, value *big.Int) error {
	if id == "" {
		return errors.New("chain: a transaction job needs an id")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if value != nil && value.Sign() == 0 {
		value = nil
	}
	if value != nil && value.Sign() < 0 {
		return errors.New("chain: negative value")
	}
	rec := &jobRecord{ID: id, From: m.from, To: to, Data: slices.Clone(data), State: JobQueued, Created: time.Now().UTC()}
	if value != nil {
		rec.Value = new(big.Int).Set(value)
	}
	err := m.db.Update(func(tx *bolt.Tx) error {
		jobs := tx.Bucket(bucketJobs)
		if old := jobs.Get([]byte(id)); old != nil {
			var o jobRecord
			if err := json.Unmarshal(old, &o); err != nil {
				return err
			}
			if o.From != rec.From || !sameAddr(o.To, rec.To) || !bytes.Equal(o.Data, rec.Data) || !sameBig(o.Value, rec.Value) {
				return fmt.Errorf("%w: %q", ErrJobConflict, id)
			}
			return nil
		}
		seq, err := jobs.NextSequence()
		if err != nil {
			return err
		}
		rec.Seq = seq
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := jobs.Put([]byte(id), b); err != nil {
			return err
		}
		return tx.Bucket(bucketOpen).Put(seqKey(seq), []byte(id))
	})
	if err != nil {
		return err
	}
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return nil
}

func sameAddr(a, b *common.Address) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func sameBig(a, b *big.Int) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Cmp(b) == 0
}

// Status returns the job's status.
func (m *TxManager) Status(id string) (JobStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked(id)
}

func (m *TxManager) statusLocked(id string) (JobStatus, error) {
	j, err := m.load(id)
	if err != nil {
		return JobStatus{}, err
	}
	return j.status(m.cfg.Confirmations, m.head), nil
}

// Wait blocks until the job is final (mined with the configured
// confirmations, or failed) or ctx ends, and returns its status.
func (m *TxManager) Wait(ctx context.Context, id string) (JobStatus, error) {
	for {
		m.mu.Lock()
		st, err := m.statusLocked(id)
		if err != nil || st.Final {
			m.mu.Unlock()
			return st, err
		}
		ch := make(chan struct{})
		m.waiters[id] = append(m.waiters[id], ch)
		m.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return st, ctx.Err()
		}
	}
}

// Pending lists the jobs that are not final, in submission order.
func (m *TxManager) Pending() ([]JobStatus, error) {
	jobs, err := m.openJobs(true)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	head := m.head
	m.mu.Unlock()
	out := make([]JobStatus, len(jobs))
	for i, j := range jobs {
		out[i] = j.status(m.cfg.Confirmations, head)
	}
	return out, nil
}

func (m *TxManager) load(id string) (*jobRecord, error) {
	var j jobRecord
	err := m.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs).Get([]byte(id))
		if b == nil {
			return fmt.Errorf("%w %q", ErrUnknownJob, id)
		}
		return json.Unmarshal(b, &j)
	})
	return &j, err
}

// openJobs returns the jobs that are not final, by submission order; all
// senders' when all, else this manager's.
func (m *TxManager) openJobs(all bool) ([]*jobRecord, error) {
	var out []*jobRecord
	err := m.db.View(func(tx *bolt.Tx) error {
		jobs := tx.Bucket(bucketJobs)
		return tx.Bucket(bucketOpen).ForEach(func(_, id []byte) error {
			var j jobRecord
			if err := json.Unmarshal(jobs.Get(id), &j); err != nil {
				return fmt.Errorf("job %q: %w", id, err)
			}
			if all || j.From == m.from {
				out = append(out, &j)
			}
			return nil
		})
	})
	return out, err
}

func (m *TxManager) nextKey() []byte { return []byte("next:" + m.from.Hex()) }

// save writes j (and the nonce counter); a final job leaves the open index.
func (m *TxManager) save(j *jobRecord) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return m.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketJobs).Put([]byte(j.ID), b); err != nil {
			return err
		}
		if m.haveNext {
			if err := tx.Bucket(bucketTxMet).Put(m.nextKey(), binary.BigEndian.AppendUint64(nil, m.next)); err != nil {
				return err
			}
		}
		if j.Final {
			return tx.Bucket(bucketOpen).Delete(seqKey(j.Seq))
		}
		return nil
	})
}

// finish tells the waiters and OnEnd about a job that just became final.
func (m *TxManager) finish(j *jobRecord) {
	m.mu.Lock()
	ws := m.waiters[j.ID]
	delete(m.waiters, j.ID)
	head := m.head
	m.mu.Unlock()
	for _, ch := range ws {
		close(ch)
	}
	delete(m.lastErr, j.ID)
	if m.onEnd != nil {
		m.onEnd(j.status(m.cfg.Confirmations, head))
	}
}

func (m *TxManager) run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.wake:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		}
		err := m.step(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := m.cfg.ReceiptPoll
		if err != nil {
			m.failing++
			delay = backoff(m.cfg.ReceiptPoll, m.failing)
			if m.failing == 1 || m.failing%20 == 0 {
				m.log.Warn("chain RPC failing; transactions wait and are retried", "error", m.cfg.scrub(err), "failures", m.failing, "retry_in", delay)
			}
		} else if m.failing > 0 {
			m.log.Info("chain RPC answers again", "after_failures", m.failing)
			m.failing = 0
		}
		t.Reset(delay)
	}
}

// backoff doubles base per consecutive failure, up to 30 s.
func backoff(base time.Duration, failures int) time.Duration {
	const maxBackoff = 30 * time.Second
	d := base
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// step moves every open job on by what the chain says now. An RPC error
// stops it (to be retried after a backoff); a job's own trouble does not.
func (m *TxManager) step(ctx context.Context) error {
	jobs, err := m.openJobs(false)
	if err != nil || len(jobs) == 0 {
		return err
	}
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	head, err := m.b.HeaderByNumber(cctx, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	m.mu.Lock()
	m.head = head.Number.Uint64()
	m.mu.Unlock()
	cctx, cancel = callCtx(ctx, m.cfg.RPCTimeout)
	mined, err := m.b.NonceAt(cctx, m.from, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("nonce: %w", err)
	}
	var first error
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if j.Nonce == nil {
			err = m.sendFirst(ctx, j, head)
		} else {
			err = m.track(ctx, j, head, mined)
		}
		if err == nil {
			continue
		}
		err = fmt.Errorf("job %q: %w", j.ID, err)
		var se *sendError
		if !errors.As(err, &se) {
			return err
		}
		// The node may have the transaction anyway: go on with the jobs
		// behind it, whose nonces follow.
		if first == nil {
			first = err
		}
	}
	return first
}

// sendError is an eth_sendRawTransaction that failed without an answer.
type sendError struct{ err error }

func (e *sendError) Error() string { return "send: " + e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

type fees struct {
	legacy      bool
	tip, feeCap *big.Int // legacy: both are the gas price
}

func (m *TxManager) suggestFees(ctx context.Context, head *types.Header) (fees, error) {
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	defer cancel()
	if head.BaseFee == nil {
		gp, err := m.b.SuggestGasPrice(cctx)
		if err != nil {
			return fees{}, fmt.Errorf("gas price: %w", err)
		}
		if m.cfg.MaxFee != nil && gp.Cmp(m.cfg.MaxFee) > 0 {
			gp = new(big.Int).Set(m.cfg.MaxFee)
		}
		return fees{legacy: true, tip: gp, feeCap: gp}, nil
	}
	tip, err := m.b.SuggestGasTipCap(cctx)
	if err != nil {
		return fees{}, fmt.Errorf("gas tip: %w", err)
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	return m.capFees(fees{tip: tip, feeCap: feeCap}), nil
}

func (m *TxManager) capFees(f fees) fees {
	if m.cfg.MaxFee != nil && f.feeCap.Cmp(m.cfg.MaxFee) > 0 {
		f.feeCap = new(big.Int).Set(m.cfg.MaxFee)
	}
	if f.tip.Cmp(f.feeCap) > 0 {
		f.tip = new(big.Int).Set(f.feeCap)
	}
	return f
}

func (m *TxManager) sign(j *jobRecord, nonce, gas uint64, f fees) (attempt, error) {
	var inner types.TxData
	if f.legacy {
		inner = &types.LegacyTx{Nonce: nonce, GasPrice: f.feeCap, Gas: gas, To: j.To, Value: j.Value, Data: j.Data}
	} else {
		inner = &types.DynamicFeeTx{ChainID: m.chainID, Nonce: nonce, GasTipCap: f.tip, GasFeeCap: f.feeCap,
			Gas: gas, To: j.To, Value: j.Value, Data: j.Data}
	}
	tx, err := types.SignNewTx(m.key, m.signer, inner)
	if err != nil {
		return attempt{}, err
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return attempt{}, err
	}
	return attempt{Raw: raw, Hash: tx.Hash(), Tip: f.tip, FeeCap: f.feeCap, Signed: time.Now().UTC()}, nil
}

// sendFirst estimates gas, gives the job the next nonce, signs, persists
// and sends it.
func (m *TxManager) sendFirst(ctx context.Context, j *jobRecord, head *types.Header) error {
	gas := j.GasLimit
	if gas == 0 {
		msg := ethereum.CallMsg{From: m.from, To: j.To, Data: j.Data, Value: j.Value}
		cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
		est, err := m.b.EstimateGas(cctx, msg)
		cancel()
		if err != nil {
			if IsRevert(err) {
				return m.fail(j, "reverts (gas estimation): "+RevertReason(err))
			}
			return fmt.Errorf("gas estimation: %w", err)
		}
		gas = est + est/4
		if head.GasLimit > 0 && gas > head.GasLimit {
			gas = max(est, head.GasLimit)
		}
	}
	f, err := m.suggestFees(ctx, head)
	if err != nil {
		return err
	}
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	pending, err := m.b.PendingNonceAt(cctx, m.from)
	cancel()
	if err != nil {
		return fmt.Errorf("pending nonce: %w", err)
	}
	if !m.haveNext || pending > m.next {
		if m.haveNext {
			m.log.Info("the account's nonce moved on outside this queue (another wallet or fabnode command used the node key)",
				"from", m.next, "to", pending)
		}
		m.next, m.haveNext = pending, true
	}
	nonce := m.next
	a, err := m.sign(j, nonce, gas, f)
	if err != nil {
		return err
	}
	j.Nonce, j.GasLimit, j.State = &nonce, gas, JobSent
	j.Attempts = append(j.Attempts, a)
	m.next = nonce + 1
	if err := m.save(j); err != nil {
		m.next = nonce // nothing signed was kept, so the nonce is free again
		return err
	}
	m.log.Debug("transaction signed", "job", j.ID, "nonce", nonce, "hash", a.Hash.Hex(), "gas", gas, "tip", f.tip, "fee_cap", f.feeCap)
	return m.broadcast(ctx, j, true)
}

// sendErr classifies a node's answer to eth_sendRawTransaction.
type sendErr int

const (
	sendOK sendErr = iota
	sendNonceUsed
	sendUnderpriced
	sendNoFunds
	sendRefused // for good: the transaction itself is invalid
	sendRPC     // the call failed; the node may or may not have it
)

func classifySend(err error) sendErr {
	if err == nil {
		return sendOK
	}
	msg := strings.ToLower(err.Error())
	has := func(subs ...string) bool {
		return slices.ContainsFunc(subs, func(s string) bool { return strings.Contains(msg, s) })
	}
	switch {
	case has("already known", "known transaction", "alreadyknown"):
		return sendOK
	case has("nonce too low", "nonce has already been used"):
		return sendNonceUsed
	case has("underpriced", "fee cap less than block base fee", "max fee per gas less than block base fee", "fee too low"):
		return sendUnderpriced
	case has("insufficient funds"):
		return sendNoFunds
	case has("intrinsic gas too low", "exceeds block gas limit", "oversized data", "invalid sender",
		"exceeds the configured cap", "transaction type not supported", "invalid chain id", "gas limit too high",
		"max priority fee per gas higher than max fee per gas", "tip higher than fee cap"):
		return sendRefused
	}
	return sendRPC
}

// broadcast sends the job's latest transaction.
func (m *TxManager) broadcast(ctx context.Context, j *jobRecord, first bool) error {
	a := &j.Attempts[len(j.Attempts)-1]
	var tx types.Transaction
	if err := tx.UnmarshalBinary(a.Raw); err != nil {
		return fmt.Errorf("stored transaction: %w", err)
	}
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	err := m.b.SendTransaction(cctx, &tx)
	cancel()
	kind := classifySend(err)
	switch kind {
	case sendNonceUsed:
		// Mined already, another transaction took the nonce, or the node's
		// pool lags behind a reorg: track tells which, and sends it again
		// while the chain has not used the nonce.
		a.Err = "nonce too low"
		return m.save(j)
	case sendOK:
		a.Sent, a.Err, a.Underpriced = time.Now().UTC(), "", false
		delete(m.lastErr, j.ID)
		if first {
			m.log.Info("transaction sent", "job", j.ID, "nonce", tx.Nonce(), "hash", a.Hash.Hex())
		}
		return m.save(j)
	case sendRPC:
		a.Err = m.cfg.scrub(err)
		if serr := m.save(j); serr != nil {
			return serr
		}
		return &sendError{err}
	}
	a.Err = m.cfg.scrub(err)
	a.Underpriced = kind == sendUnderpriced
	if kind == sendRefused && first && len(j.Attempts) == 1 && m.next == *j.Nonce+1 {
		// No node took it and no later job has a nonce yet: free the nonce.
		m.next = *j.Nonce
		j.Lost = append(j.Lost, j.Attempts...)
		j.Attempts, j.Nonce = nil, nil
		return m.fail(j, "refused by the node: "+a.Err)
	}
	if m.lastErr[j.ID] != a.Err {
		m.lastErr[j.ID] = a.Err
		switch kind {
		case sendNoFunds:
			m.log.Error("the node account cannot pay for its transaction; fund it, the job is retried", "job", j.ID, "account", m.from.Hex(), "error", a.Err)
		case sendUnderpriced:
			m.log.Info("transaction underpriced; it is replaced with a higher fee", "job", j.ID, "error", a.Err)
		default:
			m.log.Error("the node refuses the transaction; it is retried", "job", j.ID, "error", a.Err)
		}
	}
	return m.save(j)
}

// track follows a signed job: receipt, confirmations, bumps, reorgs, and a
// nonce taken by someone else. mined is the account's nonce at the head.
func (m *TxManager) track(ctx context.Context, j *jobRecord, head *types.Header, mined uint64) error {
	nonce := *j.Nonce
	if mined <= nonce {
		if j.State == JobMined {
			m.log.Warn("a reorg removed a mined transaction; sending it again", "job", j.ID, "hash", j.Receipt.TxHash.Hex(),
				"block", j.Receipt.BlockNumber)
			j.State, j.Receipt, j.Reason = JobSent, nil, ""
			if err := m.save(j); err != nil {
				return err
			}
			return m.broadcast(ctx, j, false)
		}
		last := j.Attempts[len(j.Attempts)-1]
		due := time.Since(last.Signed) >= m.cfg.BumpAfter && time.Since(j.BumpTry) >= m.cfg.BumpAfter
		if last.Underpriced || due {
			return m.bump(ctx, j, head)
		}
		// Send it again now and then: a node may drop what it accepted (a
		// reorg's pool reset, eviction, a restart).
		if last.Sent.IsZero() || time.Since(last.Sent) >= max(20*m.cfg.ReceiptPoll, time.Second) {
			return m.broadcast(ctx, j, false)
		}
		return nil
	}
	// A transaction with this nonce is in the chain: ours, or another's.
	for i := len(j.Attempts) - 1; i >= 0; i-- {
		cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
		r, err := m.b.TransactionReceipt(cctx, j.Attempts[i].Hash)
		cancel()
		if errors.Is(err, ethereum.NotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("receipt: %w", err)
		}
		return m.mined(ctx, j, r, head)
	}
	// None of ours. Either another transaction took the nonce, or the node
	// has not indexed our receipt yet: decide only once the nonce was used
	// Confirmations blocks ago.
	hn := head.Number.Uint64()
	if hn < m.cfg.Confirmations {
		return nil
	}
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	old, err := m.b.NonceAt(cctx, m.from, new(big.Int).SetUint64(hn-m.cfg.Confirmations))
	cancel()
	if err != nil {
		return fmt.Errorf("nonce: %w", err)
	}
	if old <= nonce {
		return nil
	}
	m.log.Warn("another transaction from the node key took this job's nonce (another wallet or fabnode command?); signing the job again with a new nonce",
		"job", j.ID, "nonce", nonce)
	j.Lost = append(j.Lost, j.Attempts...)
	j.Attempts, j.Nonce, j.State, j.Receipt = nil, nil, JobQueued, nil
	return m.save(j)
}

func (m *TxManager) mined(ctx context.Context, j *jobRecord, r *types.Receipt, head *types.Header) error {
	changed := j.State != JobMined || j.Receipt == nil || j.Receipt.BlockHash != r.BlockHash
	if changed {
		j.State, j.Receipt, j.Reason = JobMined, r, ""
		if r.Status != types.ReceiptStatusSuccessful {
			j.Reason = m.revertReason(ctx, j, r)
			m.log.Warn("transaction mined but reverted", "job", j.ID, "hash", r.TxHash.Hex(), "block", r.BlockNumber, "reason", j.Reason)
		} else {
			m.log.Info("transaction mined", "job", j.ID, "hash", r.TxHash.Hex(), "block", r.BlockNumber, "gas_used", r.GasUsed)
		}
	}
	var conf uint64
	if hn, b := head.Number.Uint64(), r.BlockNumber.Uint64(); hn >= b {
		conf = hn - b + 1
	}
	if conf >= m.cfg.Confirmations {
		j.Final = true
	}
	if !changed && !j.Final {
		return nil
	}
	if err := m.save(j); err != nil {
		return err
	}
	if j.Final {
		m.finish(j)
	}
	return nil
}

// revertReason replays a reverted job at its block's parent to read its
// revert data.
func (m *TxManager) revertReason(ctx context.Context, j *jobRecord, r *types.Receipt) string {
	if r.GasUsed >= j.GasLimit {
		return fmt.Sprintf("out of gas (used all %d)", r.GasUsed)
	}
	msg := ethereum.CallMsg{From: m.from, To: j.To, Data: j.Data, Value: j.Value, Gas: j.GasLimit}
	parent := new(big.Int).Sub(r.BlockNumber, big.NewInt(1))
	cctx, cancel := callCtx(ctx, m.cfg.RPCTimeout)
	_, err := m.b.CallContract(cctx, msg, parent)
	cancel()
	if err == nil {
		return "reverted (a replay on the parent block succeeds: an earlier transaction of the block changed the state)"
	}
	if IsRevert(err) {
		return RevertReason(err)
	}
	return "reverted (replay failed: " + m.cfg.scrub(err) + ")"
}

// raise is v + 20%, rounded up.
func raise(v *big.Int) *big.Int {
	r := new(big.Int).Mul(v, big.NewInt(6))
	r.Add(r, big.NewInt(4))
	return r.Quo(r, big.NewInt(5))
}

// replaces reports whether next may replace prev in geth's pool: both the
// tip and the fee cap at least 10% higher.
func replaces(prev, next *big.Int) bool {
	min := new(big.Int).Mul(prev, big.NewInt(110))
	min.Quo(min, big.NewInt(100))
	return next.Cmp(min) >= 0
}

// bump replaces the job's transaction with one of the same nonce and a
// higher fee, or sends the last one again when the fee cap allows none.
func (m *TxManager) bump(ctx context.Context, j *jobRecord, head *types.Header) error {
	last := j.Attempts[len(j.Attempts)-1]
	sug, err := m.suggestFees(ctx, head)
	if err != nil {
		return err
	}
	f := fees{legacy: sug.legacy, tip: raise(last.Tip), feeCap: raise(last.FeeCap)}
	if f.tip.Cmp(sug.tip) < 0 {
		f.tip = sug.tip
	}
	if !f.legacy {
		if floor := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), f.tip); f.feeCap.Cmp(floor) < 0 {
			f.feeCap = floor
		}
	} else {
		f.feeCap = f.tip
	}
	f = m.capFees(f)
	if !replaces(last.Tip, f.tip) || !replaces(last.FeeCap, f.feeCap) {
		if j.BumpTry.IsZero() {
			m.log.Warn("transaction not mined and chain.max_fee_gwei allows no higher fee; sending it again as it is",
				"job", j.ID, "hash", last.Hash.Hex(), "fee_cap", last.FeeCap)
		}
		j.BumpTry = time.Now().UTC()
		j.Attempts[len(j.Attempts)-1].Underpriced = false
		if err := m.save(j); err != nil {
			return err
		}
		return m.broadcast(ctx, j, false)
	}
	a, err := m.sign(j, *j.Nonce, j.GasLimit, f)
	if err != nil {
		return err
	}
	j.Attempts = append(j.Attempts, a)
	if err := m.save(j); err != nil {
		return err
	}
	m.log.Info("transaction not mined yet; replaced with a higher fee", "job", j.ID, "nonce", *j.Nonce, "hash", a.Hash.Hex(),
		"replaces", last.Hash.Hex(), "tip", f.tip, "fee_cap", f.feeCap)
	return m.broadcast(ctx, j, false)
}

// fail ends a job that is never sent.
func (m *TxManager) fail(j *jobRecord, reason string) error {
	j.State, j.Reason, j.Final = JobFailed, reason, true
	m.log.Warn("transaction job failed; nothing was sent", "job", j.ID, "reason", reason)
	if err := m.save(j); err != nil {
		return err
	}
	m.finish(j)
	return nil
}
