package chain_test

import (
	"crypto/ecdsa"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// A model-based random test of the escrow: random sessions, receipts,
// checkpoints (valid, forged, replayed from another session, signed for
// another chain or contract, over the credit window, not extending the
// receipted chain, below the receipt), settlements by the host and by others,
// batches, closes, refunds, withdrawals and time jumps. A Go model of the
// rules predicts each outcome; the test asserts that exactly the predicted
// transactions succeed (the others revert with the predicted custom error),
// that every amount is the predicted one to the wei, and after every step the
// invariant
//
//	escrow balance (ETH and token) == open deposits + withdrawable balances
//
// both from the model and from the contract's own view (getSession, balances).

type pActor struct {
	key     *ecdsa.PrivateKey
	wallet  common.Address // non-zero: a TestWallet owned by key, refusing ETH
	account common.Address // the depositor address (wallet or key's address)
}

type pReceipt struct {
	r   chain.Receipt
	sig []byte
}

type pSession struct {
	id            *big.Int
	depositor     *pActor
	sessKey       *ecdsa.PrivateKey // nil: none
	host          *ecdsa.PrivateKey
	token         common.Address
	deposit       *big.Int
	inPrice       *big.Int
	outPrice      *big.Int
	window        uint64
	deadline      uint64
	open          bool
	checkedClosed bool
	receipts      []pReceipt // cumulative, as the client signed them
	in, out       uint64
	outChain      common.Hash
}

type pModel struct {
	e        *env
	r        *rand.Rand
	sessions []*pSession
	byID     map[string]*pSession
	balances map[[2]common.Address]*big.Int // (account, token) inside the escrow
	actors   []*pActor
	hosts    []*ecdsa.PrivateKey
	tokens   []common.Address
	outcomes map[string]int
	logf     func(string, ...any)
}

func (m *pModel) bal(a, tok common.Address) *big.Int {
	k := [2]common.Address{a, tok}
	if m.balances[k] == nil {
		m.balances[k] = new(big.Int)
	}
	return m.balances[k]
}

// now is the timestamp the next transaction will be mined at.
func (m *pModel) next() uint64 { return m.e.now() + 1 }

// steer keeps the clock at least 3 s away from every deadline and settlement
// boundary, so gas estimation (run at the head's time) and execution (a
// second later) always agree. The boundaries themselves are tested exactly
// in TestDeadlineBoundaries.
func (m *pModel) steer() {
	for tries := 0; tries < 100; tries++ {
		t := m.next()
		near := false
		for _, s := range m.sessions {
			if !s.open {
				continue
			}
			for _, b := range []uint64{s.deadline, s.deadline + testDisputeWindow} {
				if t+3 >= b && t <= b+3 {
					near = true
				}
			}
		}
		if !near {
			return
		}
		m.e.advance(7)
	}
}

func errName(v any) string {
	n := fmt.Sprintf("%T", v)
	n = strings.TrimPrefix(n, "*bindings.")
	return strings.TrimPrefix(n, "SessionEscrow")
}

// expect runs a transaction and checks that it fails with want (an escrow
// error name) or succeeds when want is "".
func (m *pModel) expect(what, want string, run func() error) bool {
	m.e.t.Helper()
	err := run()
	if want == "" {
		if err != nil {
			m.e.t.Fatalf("%s: %v%s, want success", what, err, m.e.describe(err))
		}
		m.outcomes["ok "+what]++
		return true
	}
	if err == nil {
		m.e.t.Fatalf("%s: succeeded, want %s", what, want)
	}
	raw, ok := revertData(err)
	if !ok {
		m.e.t.Fatalf("%s: %v, want %s", what, err, want)
	}
	v, uerr := escrowABI.UnpackError(raw)
	if uerr != nil || errName(v) != want {
		m.e.t.Fatalf("%s: reverted with %T %+v (%v), want %s", what, v, v, uerr, want)
	}
	m.outcomes[want]++
	return false
}

func (m *pModel) invariant() {
	e := m.e
	e.t.Helper()
	want := map[common.Address]*big.Int{}    // model: open deposits + balances, per token
	onChain := map[common.Address]*big.Int{} // the contract's own view of the same
	for _, tok := range m.tokens {
		want[tok], onChain[tok] = new(big.Int), new(big.Int)
	}
	for _, s := range m.sessions {
		switch {
		case s.open:
			cs := e.session(s.id)
			if cs.Depositor != s.depositor.account || cs.Deposit.Cmp(s.deposit) != 0 || cs.Expiry.Uint64() != s.deadline || cs.Token != s.token {
				e.t.Fatalf("session %v on chain %+v, model %+v", s.id, cs, s)
			}
			want[s.token].Add(want[s.token], s.deposit)
			onChain[s.token].Add(onChain[s.token], cs.Deposit)
		case !s.checkedClosed:
			if cs := e.session(s.id); cs.Depositor != (common.Address{}) {
				e.t.Fatalf("ended session %v still stored: %+v", s.id, cs)
			}
			s.checkedClosed = true
		}
	}
	for k, v := range m.balances {
		got := e.escrowBalance(k[0], k[1])
		if got.Cmp(v) != 0 {
			e.t.Fatalf("balances(%v, %v) = %v, model %v", k[0], k[1], got, v)
		}
		want[k[1]].Add(want[k[1]], v)
		onChain[k[1]].Add(onChain[k[1]], got)
	}
	for _, tok := range m.tokens {
		actual := e.balanceIn(tok, e.escrowAddr)
		if actual.Cmp(want[tok]) != 0 || actual.Cmp(onChain[tok]) != 0 {
			e.t.Fatalf("invariant broken for token %v: escrow holds %v, model open deposits + balances %v, contract's view %v",
				tok, actual, want[tok], onChain[tok])
		}
	}
}

// ---- actions ----

func (m *pModel) open() {
	e, r := m.e, m.r
	a := m.actors[r.IntN(len(m.actors))]
	tm := e.terms(addr(m.hosts[r.IntN(len(m.hosts))]))
	tm.Token = m.tokens[r.IntN(len(m.tokens))]
	if a.wallet != (common.Address{}) {
		tm.Token = common.Address{} // the wallet pays ETH (and refuses its refunds)
	}
	tm.Deposit = big.NewInt(int64(1_000 + r.IntN(2_000_000)))
	tm.InputPrice = big.NewInt(int64(r.IntN(40)))
	tm.OutputPrice = big.NewInt(int64(r.IntN(120)))
	tm.CreditWindow = uint32(r.IntN(200))
	tm.Expiry = m.next() + 200 + uint64(r.IntN(10000))
	var sk *ecdsa.PrivateKey
	if r.IntN(2) == 0 {
		sk = sessKey
		tm.SessionKey = addr(sk)
	}
	var err error
	var id *big.Int
	if a.wallet != (common.Address{}) {
		rc, err2 := e.execute(a.key, a.wallet, escrowABI.PackOpen(tm), tm.Deposit)
		err = err2
		if err == nil {
			ev, _ := escrowABI.UnpackSessionOpenedEvent(rc.Logs[0])
			id = ev.SessionId
		}
	} else {
		var value *big.Int
		if tm.Token == (common.Address{}) {
			value = tm.Deposit
		}
		rc, err2 := e.send(a.key, e.escrow, escrowABI.PackOpen(tm), value)
		err = err2
		if err == nil {
			ev, _ := escrowABI.UnpackSessionOpenedEvent(rc.Logs[0])
			id = ev.SessionId
		}
	}
	if err != nil {
		e.t.Fatalf("open: %v%s", err, e.describe(err))
	}
	host := m.hosts[0]
	if tm.Host == addr(m.hosts[1]) {
		host = m.hosts[1]
	}
	s := &pSession{id: id, depositor: a, sessKey: sk, host: host, token: tm.Token, deposit: tm.Deposit,
		inPrice: tm.InputPrice, outPrice: tm.OutputPrice, window: uint64(tm.CreditWindow), deadline: tm.Expiry, open: true}
	m.sessions = append(m.sessions, s)
	m.byID[id.String()] = s
	m.outcomes["ok open"]++
}

func (m *pModel) pick(onlyOpen bool) *pSession {
	var c []*pSession
	for _, s := range m.sessions {
		if s.open || !onlyOpen {
			c = append(c, s)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[m.r.IntN(len(c))]
}

// receipt: the client signs a new cumulative receipt (off-chain).
func (m *pModel) receipt() {
	s := m.pick(true)
	if s == nil {
		return
	}
	r := m.r
	s.in += uint64(r.IntN(500))
	s.out += uint64(r.IntN(2000))
	for k := r.IntN(3); k >= 0; k-- {
		s.outChain = chain.NextOutputChain(s.outChain, []byte(fmt.Sprintf("chunk %d", r.Uint32())))
	}
	signer := s.depositor.key
	if s.sessKey != nil && r.IntN(2) == 0 {
		signer = s.sessKey
	}
	rc, sig := m.e.signedReceipt(signer, s.id, s.in, s.out, s.outChain)
	s.receipts = append(s.receipts, pReceipt{rc, sig})
}

// entry builds one settlement for s, valid or broken in a random way, and
// says what it is.
func (m *pModel) entry(s *pSession, corrupt bool) (bindings.SessionEscrowSettlement, string) {
	e, r := m.e, m.r
	base := pReceipt{r: chain.Receipt{SessionID: s.id}}
	if len(s.receipts) > 0 && r.IntN(5) != 0 {
		// usually the highest, sometimes an older one (the host's choice)
		i := len(s.receipts) - 1
		if r.IntN(4) == 0 {
			i = r.IntN(len(s.receipts))
		}
		base = s.receipts[i]
	}
	rc, sig := base.r, base.sig
	kind := "receipt"
	pick := func(n int) int {
		if !corrupt {
			return -1
		}
		return r.IntN(n)
	}
	switch pick(12) {
	case 0:
		_, sig = e.signedReceipt(otherKey, rc.SessionID, rc.InputTokens, rc.OutputTokens, rc.OutputChain)
		kind = "forged receipt"
	case 1:
		if o := m.pick(false); o != nil && o != s && len(o.receipts) > 0 {
			x := o.receipts[r.IntN(len(o.receipts))]
			rc = x.r
			rc.SessionID = s.id
			sig = x.sig
			kind = "receipt replayed from another session"
		}
	case 2:
		d := chain.Domain{ChainID: new(big.Int).Add(e.chainID, big.NewInt(1)), Escrow: e.escrowAddr}
		sig, _ = d.SignReceipt(rc, s.depositor.key)
		kind = "receipt for another chain"
	case 3:
		d := chain.Domain{ChainID: e.chainID, Escrow: crypto.CreateAddress(e.escrowAddr, 1)}
		sig, _ = d.SignReceipt(rc, s.depositor.key)
		kind = "receipt for another contract"
	case 4:
		if sig != nil {
			rc.OutputTokens += 1 + uint64(r.IntN(100))
			kind = "tampered receipt"
		}
	}
	if sig == nil && (rc.InputTokens != 0 || rc.OutputTokens != 0 || rc.OutputChain != (common.Hash{})) {
		sig = []byte{} // unsigned but non-zero
	}
	st := chain.NewSettlement(rc, sig, nil, nil)
	if r.IntN(2) == 0 {
		return st, kind
	}
	// A checkpoint on top.
	win := s.window
	dIn := uint64(0)
	if win > 0 {
		dIn = uint64(r.IntN(int(win) + 1))
	}
	dOut := win - dIn
	if r.IntN(2) == 0 && dOut > 0 {
		dOut = uint64(r.IntN(int(dOut) + 1))
	}
	cp := chain.Checkpoint{SessionID: s.id, InputTokens: rc.InputTokens + dIn, OutputTokens: rc.OutputTokens + dOut,
		OutputChain: chain.NextOutputChain(rc.OutputChain, []byte("unreceipted")), PrevChain: rc.OutputChain}
	signer := s.host
	dom := e.dom
	kind += " + checkpoint"
	switch pick(10) {
	case 0:
		cp.OutputTokens += win - dIn - dOut + 1 + uint64(r.IntN(50))
		kind += " over the window"
	case 1:
		cp.PrevChain = common.Hash{byte(r.Uint32()), 1}
		kind += " not extending"
	case 2:
		if rc.InputTokens > 0 {
			cp.InputTokens = rc.InputTokens - 1
			kind += " below the receipt"
		}
	case 3:
		signer = s.depositor.key
		kind += " signed by the client"
	case 4:
		dom = chain.Domain{ChainID: e.chainID, Escrow: crypto.CreateAddress(e.escrowAddr, 1)}
		kind += " for another contract"
	case 5:
		if o := m.pick(false); o != nil && o != s {
			cp.SessionID = o.id
			kind += " of another session"
		}
	case 6:
		// signed for another session, then relabelled with this one
		if o := m.pick(false); o != nil && o != s {
			c2 := cp
			c2.SessionID = o.id
			h, _ := dom.CheckpointHash(c2)
			sg, _ := chain.Sign(h, signer)
			st = chain.NewSettlement(rc, sig, &cp, sg)
			return st, kind + " replayed from another session"
		}
	}
	cpSig, err := dom.SignCheckpoint(cp, signer)
	if err != nil {
		e.t.Fatal(err)
	}
	st = chain.NewSettlement(rc, sig, &cp, cpSig)
	return st, kind
}

type pResult struct {
	err     string // "" ok, else error name; "skip:N" for a skippable entry
	split   chain.Split
	s       *pSession
	in, out uint64
}

// predict applies the contract's rules to one entry at time t, sent by from.
func (m *pModel) predict(st bindings.SessionEscrowSettlement, from common.Address, t uint64, open map[*pSession]bool) pResult {
	s := m.byID[st.Receipt.SessionId.String()]
	if s == nil || !open[s] {
		return pResult{err: "skip:1", s: s}
	}
	if t > s.deadline+testDisputeWindow {
		return pResult{err: "skip:2", s: s}
	}
	hasCp := len(st.CheckpointSig) != 0
	if from != addr(s.host) {
		if t < s.deadline {
			return pResult{err: "OnlyHostBeforeDeadline"}
		}
		if !hasCp {
			return pResult{err: "CheckpointRequired"}
		}
	}
	rc := chain.Receipt{SessionID: st.Receipt.SessionId, InputTokens: st.Receipt.InputTokens, OutputTokens: st.Receipt.OutputTokens, OutputChain: st.Receipt.OutputChain}
	if len(st.ReceiptSig) == 0 {
		if rc.InputTokens != 0 || rc.OutputTokens != 0 || rc.OutputChain != (common.Hash{}) {
			return pResult{err: "UnsignedReceiptNotZero"}
		}
	} else {
		signer, err := m.e.dom.RecoverReceipt(rc, st.ReceiptSig)
		wallet := s.depositor.wallet != (common.Address{})
		ok := err == nil && (signer == s.depositor.account || (s.sessKey != nil && signer == addr(s.sessKey)) ||
			(wallet && signer == addr(s.depositor.key)))
		if !ok {
			return pResult{err: "InvalidReceiptSignature"}
		}
	}
	in, out := rc.InputTokens, rc.OutputTokens
	if hasCp {
		c := st.Checkpoint
		if c.SessionId.Cmp(s.id) != 0 {
			return pResult{err: "CheckpointSessionMismatch"}
		}
		if c.PrevChain != rc.OutputChain {
			return pResult{err: "CheckpointNotExtending"}
		}
		if c.InputTokens < in || c.OutputTokens < out {
			return pResult{err: "CheckpointBelowReceipt"}
		}
		if (c.InputTokens-in)+(c.OutputTokens-out) > s.window {
			return pResult{err: "CreditWindowExceeded"}
		}
		cp := chain.Checkpoint{SessionID: c.SessionId, InputTokens: c.InputTokens, OutputTokens: c.OutputTokens, OutputChain: c.OutputChain, PrevChain: c.PrevChain}
		if signer, err := m.e.dom.RecoverCheckpoint(cp, st.CheckpointSig); err != nil || signer != addr(s.host) {
			return pResult{err: "InvalidCheckpointSignature"}
		}
		in, out = c.InputTokens, c.OutputTokens
	}
	return pResult{s: s, in: in, out: out, split: chain.SplitPayment(s.deposit, s.inPrice, s.outPrice, in, out, testFeeBps)}
}

func (m *pModel) apply(res pResult) {
	s := res.s
	s.open = false
	m.bal(addr(s.host), s.token).Add(m.bal(addr(s.host), s.token), res.split.HostAmount)
	m.bal(addr(treasuryKey), s.token).Add(m.bal(addr(treasuryKey), s.token), res.split.Fee)
	if s.depositor.wallet != (common.Address{}) && res.split.Refund.Sign() > 0 {
		m.bal(s.depositor.wallet, s.token).Add(m.bal(s.depositor.wallet, s.token), res.split.Refund)
	}
}

func (m *pModel) sender(s *pSession) *ecdsa.PrivateKey {
	switch m.r.IntN(6) {
	case 0:
		return otherKey
	case 1:
		return s.depositor.key
	case 2:
		return m.hosts[m.r.IntN(len(m.hosts))]
	}
	return s.host
}

func (m *pModel) settleOne() {
	s := m.pick(m.r.IntN(8) != 0)
	if s == nil {
		return
	}
	st, kind := m.entry(s, true)
	from := m.sender(s)
	open := map[*pSession]bool{}
	for _, x := range m.sessions {
		open[x] = x.open
	}
	res := m.predict(st, addr(from), m.next(), open)
	want := res.err
	switch want {
	case "skip:1":
		want = "SessionNotOpen"
	case "skip:2":
		want = "SettlementWindowClosed"
	}
	var rcpt []*bindings.SessionEscrowSessionSettled
	ok := m.expect("settle ("+kind+")", want, func() error {
		r, err := m.e.settle(from, st)
		if err == nil {
			rcpt = settledEvents(r)
		}
		return err
	})
	if ok {
		m.checkEvent(rcpt[0], res)
		m.apply(res)
	}
}

func (m *pModel) checkEvent(ev *bindings.SessionEscrowSessionSettled, res pResult) {
	t := m.e.t
	t.Helper()
	if ev.SessionId.Cmp(res.s.id) != 0 || ev.InputTokens != res.in || ev.OutputTokens != res.out ||
		ev.HostAmount.Cmp(res.split.HostAmount) != 0 || ev.Fee.Cmp(res.split.Fee) != 0 || ev.Refund.Cmp(res.split.Refund) != 0 {
		t.Fatalf("settled %+v, model %+v", ev, res)
	}
}

func (m *pModel) settleBatch() {
	// Mostly one host's sessions, mostly valid entries, so that batches often go through.
	host := m.hosts[m.r.IntN(len(m.hosts))]
	var mine []*pSession
	for _, s := range m.sessions {
		if s.host == host && (s.open || m.r.IntN(4) == 0) {
			mine = append(mine, s)
		}
	}
	n := 1 + m.r.IntN(5)
	var list []bindings.SessionEscrowSettlement
	var kinds []string
	var first *pSession
	for i := 0; i < n; i++ {
		s := m.pick(m.r.IntN(6) != 0)
		if len(mine) > 0 && m.r.IntN(5) != 0 {
			s = mine[m.r.IntN(len(mine))]
		}
		if s == nil {
			return
		}
		if first == nil {
			first = s
		}
		st, kind := m.entry(s, m.r.IntN(6) == 0)
		list = append(list, st)
		kinds = append(kinds, kind)
	}
	from := host
	if m.r.IntN(6) == 0 {
		from = m.sender(first)
	}
	open := map[*pSession]bool{}
	for _, x := range m.sessions {
		open[x] = x.open
	}
	t := m.next()
	var results []pResult
	want := ""
	for _, st := range list {
		res := m.predict(st, addr(from), t, open)
		if res.err != "" && !strings.HasPrefix(res.err, "skip:") {
			want = res.err
			break
		}
		if res.err == "" {
			open[res.s] = false
		}
		results = append(results, res)
	}
	var settled []*bindings.SessionEscrowSessionSettled
	var skipped1, skipped2 int
	ok := m.expect(fmt.Sprintf("settleMany %d (%s)", n, strings.Join(kinds, "; ")), want, func() error {
		r, err := m.e.settleMany(from, list)
		if err == nil {
			settled = settledEvents(r)
			skipped1, skipped2 = len(skippedEvents(r, 1)), len(skippedEvents(r, 2))
		}
		return err
	})
	if !ok {
		return
	}
	var w1, w2 int
	k := 0
	for _, res := range results {
		switch res.err {
		case "skip:1":
			w1++
		case "skip:2":
			w2++
		default:
			m.checkEvent(settled[k], res)
			k++
			m.apply(res)
		}
	}
	if k != len(settled) || w1 != skipped1 || w2 != skipped2 {
		m.e.t.Fatalf("batch: %d settled %d/%d skipped, model %d settled %d/%d skipped", len(settled), skipped1, skipped2, k, w1, w2)
	}
	m.outcomes["skipped entries"] += w1 + w2
	m.outcomes["entries settled in batches"] += k
}

func (m *pModel) close() {
	s := m.pick(m.r.IntN(5) != 0)
	if s == nil {
		return
	}
	from := s.depositor.key
	byWallet := s.depositor.wallet != (common.Address{})
	switch m.r.IntN(4) {
	case 0:
		from, byWallet = otherKey, false
	case 1:
		if s.sessKey != nil {
			from, byWallet = s.sessKey, false
		}
	}
	t := m.next()
	want := ""
	switch {
	case !s.open:
		want = "SessionNotOpen"
	case !byWallet && addr(from) != s.depositor.account && (s.sessKey == nil || from != s.sessKey):
		want = "NotDepositor"
	case t >= s.deadline:
		want = "SessionEnded"
	}
	if m.expect("close", want, func() error {
		if byWallet {
			_, err := m.e.execute(from, s.depositor.wallet, escrowABI.PackClose(s.id), nil)
			return err
		}
		_, err := m.e.send(from, m.e.escrow, escrowABI.PackClose(s.id), nil)
		return err
	}) {
		s.deadline = t
	}
}

func (m *pModel) refund() {
	t := m.next()
	s := m.pick(m.r.IntN(5) != 0)
	if m.r.IntN(2) == 0 { // prefer a session that can be refunded
		for _, x := range m.sessions {
			if x.open && t > x.deadline+testDisputeWindow {
				s = x
				break
			}
		}
	}
	if s == nil {
		return
	}
	want := ""
	switch {
	case !s.open:
		want = "SessionNotOpen"
	case t <= s.deadline+testDisputeWindow:
		want = "RefundTooEarly"
	}
	if m.expect("refund", want, func() error {
		_, err := m.e.send(otherKey, m.e.escrow, escrowABI.PackRefund(s.id), nil)
		return err
	}) {
		s.open = false
		if s.depositor.wallet != (common.Address{}) {
			m.bal(s.depositor.wallet, s.token).Add(m.bal(s.depositor.wallet, s.token), s.deposit)
		}
	}
}

func (m *pModel) withdraw() {
	tok := m.tokens[m.r.IntN(len(m.tokens))]
	var who common.Address
	var run func() error
	switch i := m.r.IntN(4); {
	case i < 2:
		h := m.hosts[i]
		who = addr(h)
		run = func() error { _, err := m.e.send(h, m.e.escrow, escrowABI.PackWithdraw(tok), nil); return err }
	case i == 2:
		who = addr(treasuryKey)
		run = func() error {
			_, err := m.e.send(treasuryKey, m.e.escrow, escrowABI.PackWithdraw(tok), nil)
			return err
		}
	default:
		var w *pActor
		for _, a := range m.actors {
			if a.wallet != (common.Address{}) {
				w = a
			}
		}
		who = w.wallet
		run = func() error {
			_, err := m.e.execute(w.key, w.wallet, escrowABI.PackWithdrawTo(tok, addr(otherKey)), nil)
			return err
		}
	}
	want := ""
	if m.bal(who, tok).Sign() == 0 {
		want = "NothingToWithdraw"
	}
	if m.expect("withdraw", want, run) {
		m.bal(who, tok).SetInt64(0)
	}
}

func runSettlementSequence(t *testing.T, seed uint64, steps int) map[string]int {
	e := newEnv(t)
	w := e.newWallet(client2Key)
	e.must(client2Key, e.walletAt(w), walletABI.PackSetMode(1, common.Address{}, nil), nil)
	m := &pModel{
		e: e, r: rand.New(rand.NewPCG(seed, 0x5e55)), byID: map[string]*pSession{},
		balances: map[[2]common.Address]*big.Int{},
		actors: []*pActor{
			{key: clientKey, account: addr(clientKey)},
			{key: manyClients[0], account: addr(manyClients[0])},
			{key: manyClients[1], account: addr(manyClients[1])},
			{key: client2Key, wallet: w, account: w},
		},
		hosts:    []*ecdsa.PrivateKey{hostKey, host2Key},
		tokens:   []common.Address{{}, e.tokenAddr},
		outcomes: map[string]int{},
	}
	maxUint := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	for _, a := range m.actors {
		if a.wallet == (common.Address{}) {
			e.must(a.key, e.token, tokenABI.PackMint(a.account, new(big.Int).Mul(big.NewInt(1000), eth)), nil)
			e.must(a.key, e.token, tokenABI.PackApprove(e.escrowAddr, maxUint), nil)
		}
	}
	for i := 0; i < 3; i++ {
		m.open()
	}
	for step := 0; step < steps; step++ {
		m.steer()
		switch x := m.r.IntN(100); {
		case x < 12:
			m.open()
		case x < 40:
			m.receipt()
		case x < 62:
			m.settleOne()
		case x < 74:
			m.settleBatch()
		case x < 80:
			m.close()
		case x < 86:
			m.refund()
		case x < 92:
			m.withdraw()
		default:
			if m.r.IntN(5) == 0 {
				m.e.advance(uint64(5000 + m.r.IntN(8000))) // a long pause: sessions become refundable
			} else {
				m.e.advance(uint64(50 + m.r.IntN(1500)))
			}
		}
		m.invariant()
	}
	// Wind down: refund or settle everything, withdraw everything; the escrow ends empty.
	m.e.advance(1_000_000)
	for _, s := range m.sessions {
		if s.open {
			e.must(otherKey, e.escrow, escrowABI.PackRefund(s.id), nil)
			s.open = false
			if s.depositor.wallet != (common.Address{}) {
				m.bal(s.depositor.wallet, s.token).Add(m.bal(s.depositor.wallet, s.token), s.deposit)
			}
		}
	}
	m.invariant()
	for _, k := range slices.Collect(maps.Keys(m.balances)) {
		if m.balances[k].Sign() == 0 {
			continue
		}
		var err error
		switch k[0] {
		case w:
			_, err = e.execute(client2Key, w, escrowABI.PackWithdrawTo(k[1], addr(otherKey)), nil)
		case addr(hostKey):
			_, err = e.send(hostKey, e.escrow, escrowABI.PackWithdraw(k[1]), nil)
		case addr(host2Key):
			_, err = e.send(host2Key, e.escrow, escrowABI.PackWithdraw(k[1]), nil)
		case addr(treasuryKey):
			_, err = e.send(treasuryKey, e.escrow, escrowABI.PackWithdraw(k[1]), nil)
		}
		if err != nil {
			t.Fatalf("final withdraw %v: %v%s", k, err, e.describe(err))
		}
		m.balances[k].SetInt64(0)
	}
	m.invariant()
	for _, tok := range m.tokens {
		if b := e.balanceIn(tok, e.escrowAddr); b.Sign() != 0 {
			t.Fatalf("escrow keeps %v of %v after everything was settled, refunded and withdrawn", b, tok)
		}
	}
	return m.outcomes
}

// TestSettlementSequences runs the model-based test on fixed seeds and checks
// that between them every outcome occurred.
func TestSettlementSequences(t *testing.T) {
	all := map[string]int{}
	for seed := uint64(1); seed <= 4; seed++ {
		for k, v := range runSettlementSequence(t, seed, 300) {
			all[k] += v
		}
	}
	keys := slices.Sorted(maps.Keys(all))
	var lines []string
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s: %d", k, all[k]))
	}
	t.Logf("outcomes:\n  %s", strings.Join(lines, "\n  "))
	for _, want := range []string{
		"ok open", "ok settle (receipt)", "ok settle (receipt + checkpoint)", "ok close", "ok refund", "ok withdraw",
		"SessionNotOpen", "SettlementWindowClosed", "OnlyHostBeforeDeadline", "CheckpointRequired",
		"InvalidReceiptSignature", "CheckpointSessionMismatch", "CheckpointNotExtending", "CheckpointBelowReceipt",
		"CreditWindowExceeded", "InvalidCheckpointSignature", "NotDepositor", "SessionEnded", "RefundTooEarly",
		"NothingToWithdraw", "skipped entries", "entries settled in batches",
	} {
		if all[want] == 0 {
			t.Errorf("no %q in the random sequences", want)
		}
	}
}

// FuzzSettlementSequences is the same test driven by the fuzzer:
//
//	go test -run '^$' -fuzz FuzzSettlementSequences ./host/chain/
func FuzzSettlementSequences(f *testing.F) {
	f.Add(uint64(11), uint8(40))
	f.Add(uint64(12), uint8(80))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8) {
		runSettlementSequence(t, seed, int(steps))
	})
}
