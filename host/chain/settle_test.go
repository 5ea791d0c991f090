package chain_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

var sett = chain.NewSettlement

// checkSettled asserts the outcome of a settlement of session (deposit, token,
// prices) for (in, out) tokens: the event, the balances in the escrow and the
// refund pushed to the depositor (whose balance was depBefore).
func (e *env) checkSettled(t *testing.T, ev *bindings.SessionEscrowSessionSettled, tm bindings.SessionEscrowTerms, depositor common.Address,
	in, out uint64, hostBefore, treasuryBefore, depBefore *big.Int) chain.Split {
	t.Helper()
	sp := chain.SplitPayment(tm.Deposit, tm.InputPrice, tm.OutputPrice, in, out, testFeeBps)
	if ev.InputTokens != in || ev.OutputTokens != out || ev.Host != tm.Host || ev.Depositor != depositor {
		t.Fatalf("SessionSettled %+v, want in %d out %d", ev, in, out)
	}
	eqBig(t, "event hostAmount", ev.HostAmount, sp.HostAmount)
	eqBig(t, "event fee", ev.Fee, sp.Fee)
	eqBig(t, "event refund", ev.Refund, sp.Refund)
	eqBig(t, "host balance", e.escrowBalance(tm.Host, tm.Token), new(big.Int).Add(hostBefore, sp.HostAmount))
	eqBig(t, "treasury balance", e.escrowBalance(addr(treasuryKey), tm.Token), new(big.Int).Add(treasuryBefore, sp.Fee))
	eqBig(t, "depositor refund", e.balanceIn(tm.Token, depositor), new(big.Int).Add(depBefore, sp.Refund))
	if s := e.session(ev.SessionId); s.Depositor != (common.Address{}) || s.Deposit.Sign() != 0 || s.ModelId != (common.Hash{}) {
		t.Fatalf("session not cleared: %+v", s)
	}
	return sp
}

func TestSettleNative(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	id, _ := e.open(clientKey, tm)
	dep := e.ethBalance(addr(clientKey))
	outChain := chain.OutputChainOf([]byte("Hello"), []byte(", world"))
	rc, sig := e.signedReceipt(clientKey, id, 1234, 5678, outChain)
	r, err := e.settle(hostKey, sett(rc, sig, nil, nil))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	evs := settledEvents(r)
	if len(evs) != 1 || evs[0].OutputChain != outChain || evs[0].WithCheckpoint {
		t.Fatalf("events %+v", evs)
	}
	sp := e.checkSettled(t, evs[0], tm, addr(clientKey), 1234, 5678, bi(0), bi(0), dep)
	// 1234×0.1 gwei + 5678×0.4 gwei = 2394.6 gwei; fee 2.5% = 59.865 gwei.
	eqBig(t, "payment", sp.Payment, bi(2_394_600_000_000))
	eqBig(t, "fee", sp.Fee, bi(59_865_000_000))
	eqBig(t, "escrow holds earnings and fee", e.ethBalance(e.escrowAddr), sp.Payment)
	// Settling again is impossible: the session is gone.
	_, err = e.settle(hostKey, sett(rc, sig, nil, nil))
	wantErr[bindings.SessionEscrowSessionNotOpen](t, err, escrowABI.UnpackError)
}

func TestSettleToken(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.Token = e.tokenAddr
	tm.Deposit = bi(1_000_000_007)
	tm.InputPrice = bi(3)
	tm.OutputPrice = bi(11)
	e.mintApprove(e.tokenAddr, clientKey, tm.Deposit)
	id, _ := e.open(clientKey, tm)
	rc, sig := e.signedReceipt(clientKey, id, 1001, 3333, common.Hash{9})
	r, err := e.settle(hostKey, sett(rc, sig, nil, nil))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	sp := e.checkSettled(t, settledEvents(r)[0], tm, addr(clientKey), 1001, 3333, bi(0), bi(0), bi(0))
	// 1001×3 + 3333×11 = 39666; fee 2.5% = 991.65 → 991; host 38675; refund 999960341.
	eqBig(t, "payment", sp.Payment, bi(39666))
	eqBig(t, "fee", sp.Fee, bi(991))
	eqBig(t, "host", sp.HostAmount, bi(38675))
	eqBig(t, "refund", sp.Refund, bi(999_960_341))
	eqBig(t, "escrow token balance", e.tokenBalance(e.tokenAddr, e.escrowAddr), bi(39666))
}

// TestSettleArithmetic checks fee and refund to the wei, in ETH and in an
// ERC-20, with rounding and with the payment capped at the deposit.
func TestSettleArithmetic(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		deposit, inPrice, outPrice int64
		in, out                    uint64
		payment, fee               int64
	}{
		{deposit: 1_000_000, inPrice: 7, outPrice: 13, in: 101, out: 203, payment: 3346, fee: 83}, // 83.65
		{deposit: 1_000_000, inPrice: 1, outPrice: 1, in: 39, out: 0, payment: 39, fee: 0},        // 0.975
		{deposit: 1_000_000, inPrice: 1, outPrice: 1, in: 40, out: 0, payment: 40, fee: 1},        // exactly 1
		{deposit: 5000, inPrice: 10, outPrice: 20, in: 300, out: 200, payment: 5000, fee: 125},    // capped: cost 7000
		{deposit: 5000, inPrice: 10, outPrice: 20, in: 100, out: 200, payment: 5000, fee: 125},    // exactly the deposit
		{deposit: 5000, inPrice: 0, outPrice: 0, in: 1 << 40, out: 1 << 40, payment: 0, fee: 0},   // free
		{deposit: 123_456_789, inPrice: 999, outPrice: 0, in: 0, out: 99_999, payment: 0, fee: 0}, // output free
		{deposit: 77, inPrice: 1, outPrice: 1, in: 0, out: 0, payment: 0, fee: 0},                 // nothing used
	}
	for _, token := range []common.Address{{}, e.tokenAddr} {
		for i, c := range cases {
			tm := e.terms(addr(hostKey))
			tm.Token = token
			tm.Deposit, tm.InputPrice, tm.OutputPrice = bi(c.deposit), bi(c.inPrice), bi(c.outPrice)
			if token != (common.Address{}) {
				e.mintApprove(token, client2Key, tm.Deposit)
			}
			id, _ := e.open(client2Key, tm)
			hostB, trB, depB := e.escrowBalance(addr(hostKey), token), e.escrowBalance(addr(treasuryKey), token), e.balanceIn(token, addr(client2Key))
			rc, sig := e.signedReceipt(client2Key, id, c.in, c.out, common.Hash{byte(i)})
			r, err := e.settle(hostKey, sett(rc, sig, nil, nil))
			if err != nil {
				t.Fatalf("case %d: %v%s", i, err, e.describe(err))
			}
			sp := e.checkSettled(t, settledEvents(r)[0], tm, addr(client2Key), c.in, c.out, hostB, trB, depB)
			eqBig(t, "payment", sp.Payment, bi(c.payment))
			eqBig(t, "fee", sp.Fee, bi(c.fee))
		}
	}
}

func TestSettleWithCheckpoint(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.CreditWindow = 100
	id, _ := e.open(clientKey, tm)
	dep := e.ethBalance(addr(clientKey))
	c1 := chain.OutputChainOf([]byte("a"), []byte("b"))
	c2 := chain.NextOutputChain(c1, []byte("c"))
	rc, sig := e.signedReceipt(clientKey, id, 500, 1000, c1)
	// Exactly the credit window: 40 more input and 60 more output tokens.
	cp, cpSig := e.signedCheckpoint(hostKey, id, 540, 1060, c2, c1)
	r, err := e.settle(hostKey, sett(rc, sig, &cp, cpSig))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	ev := settledEvents(r)[0]
	if !ev.WithCheckpoint || ev.OutputChain != c2 {
		t.Fatalf("event %+v", ev)
	}
	e.checkSettled(t, ev, tm, addr(clientKey), 540, 1060, bi(0), bi(0), dep)
}

// The client vanished before its first receipt: the host claims at most the
// credit window from the zero receipt.
func TestSettleZeroReceiptWithCheckpoint(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.CreditWindow = 64
	id, _ := e.open(clientKey, tm)
	dep := e.ethBalance(addr(clientKey))
	zero := chain.Receipt{SessionID: id}
	cp, cpSig := e.signedCheckpoint(hostKey, id, 20, 44, chain.OutputChainOf([]byte("x")), common.Hash{})
	r, err := e.settle(hostKey, sett(zero, nil, &cp, cpSig))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	e.checkSettled(t, settledEvents(r)[0], tm, addr(clientKey), 20, 44, bi(0), bi(0), dep)

	// With nothing at all the host releases the whole deposit.
	id2, _ := e.open(clientKey, tm)
	dep = e.ethBalance(addr(clientKey))
	hostB, trB := e.escrowBalance(addr(hostKey), common.Address{}), e.escrowBalance(addr(treasuryKey), common.Address{})
	r, err = e.settle(hostKey, sett(chain.Receipt{SessionID: id2}, nil, nil, nil))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	e.checkSettled(t, settledEvents(r)[0], tm, addr(clientKey), 0, 0, hostB, trB, dep)
}

func TestSettleSessionKeyReceipt(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.SessionKey = addr(sessKey)
	id, _ := e.open(clientKey, tm)
	// Both the session key and the depositor's own key may sign.
	rc, sig := e.signedReceipt(sessKey, id, 10, 20, common.Hash{1})
	if _, err := e.settle(hostKey, sett(rc, sig, nil, nil)); err != nil {
		t.Fatalf("session key receipt: %v%s", err, e.describe(err))
	}
	id2, _ := e.open(clientKey, tm)
	rc, sig = e.signedReceipt(clientKey, id2, 10, 20, common.Hash{1})
	if _, err := e.settle(hostKey, sett(rc, sig, nil, nil)); err != nil {
		t.Fatalf("depositor receipt: %v%s", err, e.describe(err))
	}
}

// After the deadline anyone may settle with the host's checkpoint; the
// earnings still go to the host.
func TestSettleByRelayerAfterDeadline(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.Expiry = e.now() + 100
	idExpired, _ := e.open(clientKey, tm)
	tm.Expiry = e.now() + 100_000
	idClosed, _ := e.open(clientKey, tm)
	e.must(clientKey, e.escrow, escrowABI.PackClose(idClosed), nil)
	e.advance(200)
	for _, id := range []*big.Int{idExpired, idClosed} {
		rc, sig := e.signedReceipt(clientKey, id, 100, 100, common.Hash{2})
		cp, cpSig := e.signedCheckpoint(hostKey, id, 110, 120, common.Hash{3}, common.Hash{2})
		dep := e.ethBalance(addr(clientKey))
		hostB, trB := e.escrowBalance(addr(hostKey), common.Address{}), e.escrowBalance(addr(treasuryKey), common.Address{})
		r, err := e.settle(otherKey, sett(rc, sig, &cp, cpSig))
		if err != nil {
			t.Fatalf("%v%s", err, e.describe(err))
		}
		e.checkSettled(t, settledEvents(r)[0], tm, addr(clientKey), 110, 120, hostB, trB, dep)
	}
	eqBig(t, "relayer earned nothing", e.escrowBalance(addr(otherKey), common.Address{}), bi(0))
	// The client itself may relay the host's checkpoint too.
	tm.Expiry = e.now() + 100_000
	id, _ := e.open(clientKey, tm)
	e.must(clientKey, e.escrow, escrowABI.PackClose(id), nil)
	rc, sig := e.signedReceipt(clientKey, id, 1, 1, common.Hash{2})
	cp, cpSig := e.signedCheckpoint(hostKey, id, 1, 1, common.Hash{2}, common.Hash{2})
	if _, err := e.settle(clientKey, sett(rc, sig, &cp, cpSig)); err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
}

func TestSettleReverts(t *testing.T) {
	e := newEnv(t)
	unpack := escrowABI.UnpackError
	tm := e.terms(addr(hostKey))
	tm.CreditWindow = 50
	tm.SessionKey = addr(sessKey)
	id, _ := e.open(clientKey, tm)
	idB, _ := e.open(clientKey, tm) // another session of the same client and host
	tmNoKey := tm
	tmNoKey.SessionKey = common.Address{}
	idC, _ := e.open(client2Key, tmNoKey)
	c1 := common.Hash{0xc1}
	rc, sig := e.signedReceipt(clientKey, id, 100, 200, c1)
	good := sett(rc, sig, nil, nil)
	try := func(from *ecdsa.PrivateKey, s bindings.SessionEscrowSettlement) error {
		_, err := e.settle(from, s)
		return err
	}

	// SessionNotOpen: a session that never existed.
	unknown := chain.Receipt{SessionID: bi(999)}
	wantErr[bindings.SessionEscrowSessionNotOpen](t, try(hostKey, sett(unknown, nil, nil, nil)), unpack)

	// OnlyHostBeforeDeadline: neither the client nor a relayer may settle early, even with a checkpoint.
	cp, cpSig := e.signedCheckpoint(hostKey, id, 110, 210, common.Hash{0xc2}, c1)
	for _, k := range []*ecdsa.PrivateKey{clientKey, otherKey, sessKey} {
		got := wantErr[bindings.SessionEscrowOnlyHostBeforeDeadline](t, try(k, sett(rc, sig, &cp, cpSig)), unpack)
		if got.Deadline != tm.Expiry {
			t.Fatalf("OnlyHostBeforeDeadline %+v", got)
		}
	}

	// UnsignedReceiptNotZero: an empty receipt signature stands for the zero receipt only.
	for _, r := range []chain.Receipt{
		{SessionID: id, InputTokens: 1}, {SessionID: id, OutputTokens: 1}, {SessionID: id, OutputChain: c1},
	} {
		wantErr[bindings.SessionEscrowUnsignedReceiptNotZero](t, try(hostKey, sett(r, nil, nil, nil)), unpack)
	}

	// InvalidReceiptSignature, each forgery and replay.
	badReceipt := func(what string, s bindings.SessionEscrowSettlement) {
		t.Helper()
		got := wantErr[bindings.SessionEscrowInvalidReceiptSignature](t, try(hostKey, s), unpack)
		if got.SessionId.Cmp(s.Receipt.SessionId) != 0 {
			t.Fatalf("%s: InvalidReceiptSignature(%v)", what, got.SessionId)
		}
	}
	_, s := e.signedReceipt(otherKey, id, 100, 200, c1)
	badReceipt("signed by a stranger", sett(rc, s, nil, nil))
	_, s = e.signedReceipt(hostKey, id, 100, 200, c1)
	badReceipt("signed by the host", sett(rc, s, nil, nil))
	_, s = e.signedReceipt(client2Key, id, 100, 200, c1)
	badReceipt("signed by another depositor", sett(rc, s, nil, nil))
	rB := rc
	rB.SessionID = idB
	badReceipt("replayed on another session of the same client", sett(rB, sig, nil, nil))
	rC := rc
	rC.SessionID = idC
	_, sigSessKey := e.signedReceipt(sessKey, id, 100, 200, c1)
	badReceipt("session key of another session", sett(rC, sigSessKey, nil, nil))
	for _, dom := range []chain.Domain{
		{ChainID: new(big.Int).Add(e.chainID, bi(1)), Escrow: e.escrowAddr},
		{ChainID: e.chainID, Escrow: crypto.CreateAddress(addr(deployerKey), 99)},
	} {
		s, err := dom.SignReceipt(rc, clientKey)
		if err != nil {
			t.Fatal(err)
		}
		badReceipt("signed for another chain or contract", sett(rc, s, nil, nil))
	}
	more := rc
	more.OutputTokens++
	badReceipt("amounts raised after signing", sett(more, sig, nil, nil))
	badReceipt("64-byte signature", sett(rc, sig[:64], nil, nil))
	raw := append([]byte{}, sig...)
	raw[64] -= 27
	badReceipt("v in {0, 1}", sett(rc, raw, nil, nil))
	badReceipt("malleated (high s)", sett(rc, malleate(sig), nil, nil))

	// Checkpoint faults.
	mism, mismSig := e.signedCheckpoint(hostKey, idB, 110, 210, common.Hash{0xc2}, c1)
	got := wantErr[bindings.SessionEscrowCheckpointSessionMismatch](t, try(hostKey, sett(rc, sig, &mism, mismSig)), unpack)
	if got.CheckpointSessionId.Cmp(idB) != 0 {
		t.Fatalf("CheckpointSessionMismatch %+v", got)
	}
	ne, neSig := e.signedCheckpoint(hostKey, id, 110, 210, common.Hash{0xc2}, common.Hash{0xbb})
	wantErr[bindings.SessionEscrowCheckpointNotExtending](t, try(hostKey, sett(rc, sig, &ne, neSig)), unpack)
	for _, io := range [][2]uint64{{99, 250}, {120, 199}} {
		lo, loSig := e.signedCheckpoint(hostKey, id, io[0], io[1], common.Hash{0xc2}, c1)
		wantErr[bindings.SessionEscrowCheckpointBelowReceipt](t, try(hostKey, sett(rc, sig, &lo, loSig)), unpack)
	}
	over, overSig := e.signedCheckpoint(hostKey, id, 120, 231, common.Hash{0xc2}, c1) // 20 + 31 = 51 > 50
	ce := wantErr[bindings.SessionEscrowCreditWindowExceeded](t, try(hostKey, sett(rc, sig, &over, overSig)), unpack)
	if ce.ExtraTokens.Cmp(bi(51)) != 0 || ce.CreditWindow.Cmp(bi(50)) != 0 {
		t.Fatalf("CreditWindowExceeded %+v", ce)
	}
	badCp := func(what string, c chain.Checkpoint, s []byte) {
		t.Helper()
		wantErr[bindings.SessionEscrowInvalidCheckpointSignature](t, try(hostKey, sett(rc, sig, &c, s)), unpack)
	}
	_, s = e.signedCheckpoint(clientKey, id, 110, 210, common.Hash{0xc2}, c1)
	badCp("signed by the client", cp, s)
	_, s = e.signedCheckpoint(host2Key, id, 110, 210, common.Hash{0xc2}, c1)
	badCp("signed by another host", cp, s)
	cpMore := cp
	cpMore.OutputTokens++
	badCp("amounts raised after signing", cpMore, cpSig)
	cpOther := cp
	cpOther.OutputChain = common.Hash{0xdd}
	badCp("output chain changed after signing", cpOther, cpSig)
	otherDom := chain.Domain{ChainID: new(big.Int).Add(e.chainID, bi(1)), Escrow: e.escrowAddr}
	s, _ = otherDom.SignCheckpoint(cp, hostKey)
	badCp("signed for another chain", cp, s)
	// A checkpoint of session B replayed on session A: same fields but B's id signed.
	cpB, cpBSig := e.signedCheckpoint(hostKey, idB, 110, 210, common.Hash{0xc2}, c1)
	cpB.SessionID = id
	badCp("replayed from another session", cpB, cpBSig)

	// None of that settled anything.
	if s := e.session(id); s.Depositor != addr(clientKey) {
		t.Fatal("session changed by failed settlements")
	}
	if _, err := e.settle(hostKey, good); err != nil {
		t.Fatalf("the good settlement: %v%s", err, e.describe(err))
	}
	// SessionNotOpen: settled sessions cannot be settled again, with any receipt.
	wantErr[bindings.SessionEscrowSessionNotOpen](t, try(hostKey, good), unpack)
	rc2, sig2 := e.signedReceipt(clientKey, id, 1000, 2000, c1)
	wantErr[bindings.SessionEscrowSessionNotOpen](t, try(hostKey, sett(rc2, sig2, nil, nil)), unpack)

	// After the deadline a non-host still needs the host's checkpoint: CheckpointRequired.
	e.must(clientKey, e.escrow, escrowABI.PackClose(idB), nil)
	rcB, sigB := e.signedReceipt(clientKey, idB, 1, 1, c1)
	wantErr[bindings.SessionEscrowCheckpointRequired](t, try(clientKey, sett(rcB, sigB, nil, nil)), unpack)
	wantErr[bindings.SessionEscrowCheckpointRequired](t, try(otherKey, sett(rcB, sigB, nil, nil)), unpack)

	// SettlementWindowClosed: past deadline + dispute window nobody can settle, not even the host.
	e.advance(testDisputeWindow + 10)
	sw := wantErr[bindings.SessionEscrowSettlementWindowClosed](t, try(hostKey, sett(rcB, sigB, nil, nil)), unpack)
	if sw.SessionId.Cmp(idB) != 0 {
		t.Fatalf("SettlementWindowClosed %+v", sw)
	}
}

// malleate returns the other valid (high-s) form of a signature.
func malleate(sig []byte) []byte {
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(sig[32:64])
	out := append([]byte{}, sig...)
	new(big.Int).Sub(n, s).FillBytes(out[32:64])
	out[64] ^= 1 // 27 <-> 28
	return out
}

// The push of a native refund needs REFUND_GAS; with less gas left the
// settlement reverts instead of falling back to crediting the depositor.
func TestSettleInsufficientGas(t *testing.T) {
	e := newEnv(t)
	id, _ := e.open(clientKey, e.terms(addr(hostKey)))
	rc, sig := e.signedReceipt(clientKey, id, 10, 10, common.Hash{})
	data := escrowABI.PackSettle(sett(rc, sig, nil, nil))
	msg := ethereum.CallMsg{From: addr(hostKey), To: &e.escrowAddr, Data: data}
	need, err := e.cl.EstimateGas(e.ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	// Walk down from the estimate: above the boundary the call succeeds, then
	// InsufficientGas, then plain out-of-gas.
	found := false
	lowest := need
	for gas := need; gas > need-60_000; gas -= 50 {
		msg.Gas = gas
		_, err := e.cl.CallContract(e.ctx, msg, nil)
		if err == nil {
			lowest = gas
			continue
		}
		if raw, ok := revertData(err); ok {
			if v, _ := escrowABI.UnpackError(raw); v != nil {
				if _, ok := v.(*bindings.SessionEscrowInsufficientGas); ok {
					found = true
					break
				}
			}
		}
	}
	if !found {
		t.Fatal("no gas limit below the estimate reverted with InsufficientGas")
	}
	// At the lowest gas limit that succeeds, the refund is still pushed, never credited.
	r := e.sendGas(hostKey, e.escrow, data, nil, lowest)
	if r.Status != 1 {
		t.Fatalf("gas limit %d: status %d", lowest, r.Status)
	}
	if cr := creditedEvents(r); len(cr) != 0 {
		t.Fatalf("gas limit %d: refund credited instead of pushed: %+v", lowest, cr)
	}
	t.Logf("estimate %d, lowest working limit %d, gas used %d", need, lowest, r.GasUsed)
}

func TestSettleMany(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	var list []bindings.SessionEscrowSettlement
	var ids []*big.Int
	var hostSum, feeSum = bi(0), bi(0)
	deps := map[common.Address]*big.Int{}
	for i := 0; i < 6; i++ {
		k := manyClients[i]
		id, _ := e.open(k, tm)
		ids = append(ids, id)
		rc, sig := e.signedReceipt(k, id, uint64(100*i), uint64(1000+i), common.Hash{byte(i)})
		list = append(list, sett(rc, sig, nil, nil))
		sp := chain.SplitPayment(tm.Deposit, tm.InputPrice, tm.OutputPrice, uint64(100*i), uint64(1000+i), testFeeBps)
		hostSum.Add(hostSum, sp.HostAmount)
		feeSum.Add(feeSum, sp.Fee)
		deps[addr(k)] = new(big.Int).Add(e.ethBalance(addr(k)), sp.Refund)
	}
	r, err := e.settleMany(hostKey, list)
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	if n := len(settledEvents(r)); n != 6 {
		t.Fatalf("%d settled", n)
	}
	eqBig(t, "host", e.escrowBalance(addr(hostKey), common.Address{}), hostSum)
	eqBig(t, "treasury", e.escrowBalance(addr(treasuryKey), common.Address{}), feeSum)
	for a, want := range deps {
		eqBig(t, "refund", e.ethBalance(a), want)
	}
	eqBig(t, "escrow", e.ethBalance(e.escrowAddr), new(big.Int).Add(hostSum, feeSum))
	// The whole batch again: every entry is skipped, nothing moves.
	r, err = e.settleMany(hostKey, list)
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	if n := len(skippedEvents(r, 1)); n != 6 {
		t.Fatalf("%d skipped", n)
	}
	// An empty batch is a no-op.
	if _, err := e.settleMany(hostKey, nil); err != nil {
		t.Fatal(err)
	}
}

// skippedEvents returns the session ids of r's SettlementSkipped events with reason.
func skippedEvents(r *types.Receipt, reason uint8) []*big.Int {
	var out []*big.Int
	for _, l := range r.Logs {
		if ev, err := escrowABI.UnpackSettlementSkippedEvent(l); err == nil && ev.Reason == reason {
			out = append(out, ev.SessionId)
		}
	}
	return out
}
