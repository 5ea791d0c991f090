package chain_test

import (
	"bytes"
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

func TestRefund(t *testing.T) {
	e := newEnv(t)
	unpack := escrowABI.UnpackError
	_, err := e.send(otherKey, e.escrow, escrowABI.PackRefund(bi(42)), nil)
	wantErr[bindings.SessionEscrowSessionNotOpen](t, err, unpack)

	tm := e.terms(addr(hostKey))
	tm.Expiry = e.now() + 100
	idEth, _ := e.open(clientKey, tm)
	tmTok := tm
	tmTok.Token = e.tokenAddr
	tmTok.Deposit = bi(777_777)
	e.mintApprove(e.tokenAddr, client2Key, tmTok.Deposit)
	idTok, _ := e.open(client2Key, tmTok)
	tmLong := tm
	tmLong.Expiry = e.now() + 1_000_000
	idClosed, _ := e.open(clientKey, tmLong)

	got := wantErr[bindings.SessionEscrowRefundTooEarly](t, func() error {
		_, err := e.send(otherKey, e.escrow, escrowABI.PackRefund(idEth), nil)
		return err
	}(), unpack)
	if got.SettleBy != tm.Expiry+testDisputeWindow {
		t.Fatalf("RefundTooEarly %+v", got)
	}
	e.must(clientKey, e.escrow, escrowABI.PackClose(idClosed), nil)
	closedAt := e.now()
	_, err = e.send(otherKey, e.escrow, escrowABI.PackRefund(idClosed), nil)
	if got := wantErr[bindings.SessionEscrowRefundTooEarly](t, err, unpack); got.SettleBy != closedAt+testDisputeWindow {
		t.Fatalf("after close: RefundTooEarly %+v, closed at %d", got, closedAt)
	}

	e.advance(100 + testDisputeWindow + 10)
	for _, c := range []struct {
		id    *big.Int
		tm    bindings.SessionEscrowTerms
		owner *ecdsa.PrivateKey
	}{{idEth, tm, clientKey}, {idTok, tmTok, client2Key}, {idClosed, tmLong, clientKey}} {
		before := e.balanceIn(c.tm.Token, addr(c.owner))
		r := e.must(otherKey, e.escrow, escrowABI.PackRefund(c.id), nil) // anyone may refund
		var ev *bindings.SessionEscrowSessionRefunded
		var err error
		for _, l := range r.Logs {
			if ev, err = escrowABI.UnpackSessionRefundedEvent(l); err == nil {
				break
			}
		}
		if err != nil || ev.SessionId.Cmp(c.id) != 0 || ev.Depositor != addr(c.owner) || ev.Host != addr(hostKey) || ev.Amount.Cmp(c.tm.Deposit) != 0 {
			t.Fatalf("SessionRefunded %+v %v", ev, err)
		}
		eqBig(t, "refunded", e.balanceIn(c.tm.Token, addr(c.owner)), new(big.Int).Add(before, c.tm.Deposit))
		_, err = e.send(otherKey, e.escrow, escrowABI.PackRefund(c.id), nil)
		wantErr[bindings.SessionEscrowSessionNotOpen](t, err, unpack)
		rc, sig := e.signedReceipt(c.owner, c.id, 1, 1, common.Hash{})
		_, err = e.settle(hostKey, sett(rc, sig, nil, nil))
		wantErr[bindings.SessionEscrowSessionNotOpen](t, err, unpack)
	}
	eqBig(t, "escrow ETH", e.ethBalance(e.escrowAddr), bi(0))
	eqBig(t, "escrow tokens", e.tokenBalance(e.tokenAddr, e.escrowAddr), bi(0))
}

// The time rules at their exact boundaries (transactions with a fixed gas
// limit, mined at a known timestamp: every block is its parent + 1 s).
func TestDeadlineBoundaries(t *testing.T) {
	e := newEnv(t)
	const gas = 500_000
	exp := e.now() + 1000
	exp2 := exp + 10
	var ids []*big.Int
	for _, x := range []uint64{exp, exp - 1, exp, exp, exp2, exp2} {
		tm := e.terms(addr(hostKey))
		tm.Expiry = x
		id, _ := e.open(clientKey, tm)
		ids = append(ids, id)
	}
	relay := func(id *big.Int) []byte {
		rc, sig := e.signedReceipt(clientKey, id, 1, 1, common.Hash{})
		cp, cpSig := e.signedCheckpoint(hostKey, id, 1, 1, common.Hash{}, common.Hash{})
		return escrowABI.PackSettle(sett(rc, sig, &cp, cpSig))
	}
	hostSettle := func(id *big.Int) []byte {
		rc, sig := e.signedReceipt(clientKey, id, 1, 1, common.Hash{})
		return escrowABI.PackSettle(sett(rc, sig, nil, nil))
	}
	// at mines the next transaction at ts, and checks its status.
	at := func(ts uint64, what string, from *ecdsa.PrivateKey, data []byte, want uint64) {
		t.Helper()
		if now := e.now(); now+1 < ts {
			e.advance(ts - 1 - now)
		} else if now+1 != ts {
			t.Fatalf("clock at %d, cannot mine at %d", now, ts)
		}
		r := e.sendGas(from, e.escrow, data, nil, gas)
		if blk, _ := e.cl.HeaderByNumber(e.ctx, r.BlockNumber); blk.Time != ts {
			t.Fatalf("%s: mined at %d, want %d", what, blk.Time, ts)
		}
		if r.Status != want {
			t.Fatalf("%s: status %d, want %d", what, r.Status, want)
		}
	}
	settleBy := exp + testDisputeWindow
	at(exp-1, "relayer a second before the deadline", otherKey, relay(ids[0]), 0)
	at(exp, "relayer at the deadline", otherKey, relay(ids[0]), 1)
	at(exp2-1, "close a second before the expiry", clientKey, escrowABI.PackClose(ids[4]), 1)
	at(exp2, "close at the expiry", clientKey, escrowABI.PackClose(ids[5]), 0)
	at(settleBy-1, "host at settleBy", hostKey, hostSettle(ids[1]), 1) // ids[1] expires a second earlier
	at(settleBy, "refund at settleBy", otherKey, escrowABI.PackRefund(ids[2]), 0)
	at(settleBy+1, "refund at settleBy + 1", otherKey, escrowABI.PackRefund(ids[2]), 1)
	at(settleBy+2, "host at settleBy + 2", hostKey, hostSettle(ids[3]), 0)
	// ids[4] was closed at exp2 - 1: its window ends then + the dispute window.
	at(exp2-1+testDisputeWindow, "host at the closed session's settleBy", hostKey, hostSettle(ids[4]), 1)
}

func TestWithdraw(t *testing.T) {
	e := newEnv(t)
	unpack := escrowABI.UnpackError
	tm := e.terms(addr(hostKey))
	id, _ := e.open(clientKey, tm)
	rc, sig := e.signedReceipt(clientKey, id, 1000, 2000, common.Hash{})
	e.must(hostKey, e.escrow, escrowABI.PackSettle(sett(rc, sig, nil, nil)), nil)
	tmTok := tm
	tmTok.Token = e.tokenAddr
	tmTok.Deposit = bi(1_000_000)
	tmTok.InputPrice, tmTok.OutputPrice = bi(1), bi(2)
	e.mintApprove(e.tokenAddr, clientKey, tmTok.Deposit)
	idTok, _ := e.open(clientKey, tmTok)
	rc, sig = e.signedReceipt(clientKey, idTok, 1000, 2000, common.Hash{})
	e.must(hostKey, e.escrow, escrowABI.PackSettle(sett(rc, sig, nil, nil)), nil)

	ethEarned := e.escrowBalance(addr(hostKey), common.Address{})
	fee := e.escrowBalance(addr(treasuryKey), common.Address{})
	tokEarned := e.escrowBalance(addr(hostKey), e.tokenAddr)
	eqBig(t, "token earnings", tokEarned, bi(4875)) // 5000 - 2.5%

	before := e.ethBalance(addr(hostKey))
	r := e.must(hostKey, e.escrow, escrowABI.PackWithdraw(common.Address{}), nil)
	eqBig(t, "host ETH", e.ethBalance(addr(hostKey)), new(big.Int).Sub(new(big.Int).Add(before, ethEarned), txCost(r)))
	ev, err := escrowABI.UnpackWithdrawnEvent(r.Logs[0])
	if err != nil || ev.Account != addr(hostKey) || ev.To != addr(hostKey) || ev.Token != (common.Address{}) || ev.Amount.Cmp(ethEarned) != 0 {
		t.Fatalf("Withdrawn %+v %v", ev, err)
	}
	_, err = e.send(hostKey, e.escrow, escrowABI.PackWithdraw(common.Address{}), nil)
	if got := wantErr[bindings.SessionEscrowNothingToWithdraw](t, err, unpack); got.Account != addr(hostKey) {
		t.Fatalf("NothingToWithdraw %+v", got)
	}

	_, err = e.send(hostKey, e.escrow, escrowABI.PackWithdrawTo(e.tokenAddr, common.Address{}), nil)
	wantErr[bindings.SessionEscrowInvalidRecipient](t, err, unpack)
	e.must(hostKey, e.escrow, escrowABI.PackWithdrawTo(e.tokenAddr, addr(otherKey)), nil)
	eqBig(t, "tokens withdrawn to another address", e.tokenBalance(e.tokenAddr, addr(otherKey)), tokEarned)
	_, err = e.send(hostKey, e.escrow, escrowABI.PackWithdrawTo(e.tokenAddr, addr(otherKey)), nil)
	wantErr[bindings.SessionEscrowNothingToWithdraw](t, err, unpack)

	before = e.ethBalance(addr(treasuryKey))
	r = e.must(treasuryKey, e.escrow, escrowABI.PackWithdraw(common.Address{}), nil)
	eqBig(t, "treasury ETH", e.ethBalance(addr(treasuryKey)), new(big.Int).Sub(new(big.Int).Add(before, fee), txCost(r)))
	e.must(treasuryKey, e.escrow, escrowABI.PackWithdraw(e.tokenAddr), nil)
	eqBig(t, "escrow empty (ETH)", e.ethBalance(e.escrowAddr), bi(0))
	eqBig(t, "escrow empty (tokens)", e.tokenBalance(e.tokenAddr, e.escrowAddr), bi(0))

	// A recipient that refuses ETH: NativeTransferFailed, and the balance stays.
	wallet := e.newWallet(hostKey)
	e.must(hostKey, e.walletAt(wallet), walletABI.PackSetMode(1, common.Address{}, nil), nil)
	id, _ = e.open(clientKey, tm)
	rc, sig = e.signedReceipt(clientKey, id, 1000, 2000, common.Hash{})
	e.must(hostKey, e.escrow, escrowABI.PackSettle(sett(rc, sig, nil, nil)), nil)
	bal := e.escrowBalance(addr(hostKey), common.Address{})
	_, err = e.send(hostKey, e.escrow, escrowABI.PackWithdrawTo(common.Address{}, wallet), nil)
	if got := wantErr[bindings.SessionEscrowNativeTransferFailed](t, err, unpack); got.To != wallet || got.Amount.Cmp(bal) != 0 {
		t.Fatalf("NativeTransferFailed %+v", got)
	}
	eqBig(t, "balance kept", e.escrowBalance(addr(hostKey), common.Address{}), bal)
}

func (e *env) newWallet(owner *ecdsa.PrivateKey) common.Address {
	return e.deploy(deployerKey, bindings.TestWalletMetaData.Bin, walletABI.PackConstructor(addr(owner)))
}

func (e *env) walletAt(a common.Address) *bind.BoundContract { return walletABI.Instance(e.cl, a) }

// execute makes owner's wallet call the escrow with data and value.
func (e *env) execute(owner *ecdsa.PrivateKey, wallet common.Address, data []byte, value *big.Int) (*types.Receipt, error) {
	v := value
	if v == nil {
		v = bi(0)
	}
	return e.send(owner, e.walletAt(wallet), walletABI.PackExecute(e.escrowAddr, v, data), value)
}

func creditedEvents(r *types.Receipt) []*bindings.SessionEscrowRefundCredited {
	var out []*bindings.SessionEscrowRefundCredited
	for _, l := range r.Logs {
		if ev, err := escrowABI.UnpackRefundCreditedEvent(l); err == nil {
			out = append(out, ev)
		}
	}
	return out
}

// A depositor that refuses its refund, or burns the gas it is given, cannot
// block settlement or refund: the refund is credited to its balance.
func TestRefundPushFailureIsCredited(t *testing.T) {
	e := newEnv(t)
	wallet := e.newWallet(clientKey)
	tm := e.terms(addr(hostKey))
	for _, mode := range []uint8{1, 2} {
		e.must(clientKey, e.walletAt(wallet), walletABI.PackSetMode(mode, common.Address{}, nil), nil)
		r, err := e.execute(clientKey, wallet, escrowABI.PackOpen(tm), tm.Deposit)
		if err != nil {
			t.Fatalf("%v%s", err, e.describe(err))
		}
		ev, _ := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
		rc, sig := e.signedReceipt(clientKey, ev.SessionId, 1000, 1000, common.Hash{}) // ERC-1271 via the wallet
		before := e.escrowBalance(wallet, common.Address{})
		r, err = e.settle(hostKey, sett(rc, sig, nil, nil))
		if err != nil {
			t.Fatalf("mode %d: %v%s", mode, err, e.describe(err))
		}
		refund := settledEvents(r)[0].Refund
		cr := creditedEvents(r)
		if len(cr) != 1 || cr[0].Account != wallet || cr[0].Amount.Cmp(refund) != 0 {
			t.Fatalf("mode %d: RefundCredited %+v", mode, cr)
		}
		eqBig(t, "credited", e.escrowBalance(wallet, common.Address{}), new(big.Int).Add(before, refund))
		if r.GasUsed > 200_000 {
			t.Fatalf("mode %d: a hostile depositor made settlement cost %d gas", mode, r.GasUsed)
		}
		t.Logf("mode %d: settle with a hostile depositor: %d gas", mode, r.GasUsed)
	}
	// The wallet takes its credit elsewhere.
	credit := e.escrowBalance(wallet, common.Address{})
	before := e.ethBalance(addr(client2Key))
	if _, err := e.execute(clientKey, wallet, escrowABI.PackWithdrawTo(common.Address{}, addr(client2Key)), nil); err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	eqBig(t, "withdrawn credit", e.ethBalance(addr(client2Key)), new(big.Int).Add(before, credit))

	// refund() credits as well.
	tm.Expiry = e.now() + 10
	r, err := e.execute(clientKey, wallet, escrowABI.PackOpen(tm), tm.Deposit)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
	e.advance(10 + testDisputeWindow + 5)
	r = e.must(otherKey, e.escrow, escrowABI.PackRefund(ev.SessionId), nil)
	if cr := creditedEvents(r); len(cr) != 1 || cr[0].Amount.Cmp(tm.Deposit) != 0 {
		t.Fatalf("refund: RefundCredited %+v", cr)
	}

	// An ERC-20 that refuses the transfer to the depositor (a blocklist).
	tmTok := e.terms(addr(hostKey))
	tmTok.Token = e.badAddr
	tmTok.Deposit = bi(1_000_000)
	tmTok.InputPrice, tmTok.OutputPrice = bi(10), bi(10)
	e.mintApprove(e.badAddr, client2Key, tmTok.Deposit)
	id, _ := e.open(client2Key, tmTok)
	e.must(otherKey, e.bad, badABI.PackSetBlocked(addr(client2Key), true), nil)
	rc, sig := e.signedReceipt(client2Key, id, 100, 100, common.Hash{})
	r, err = e.settle(hostKey, sett(rc, sig, nil, nil))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	if cr := creditedEvents(r); len(cr) != 1 || cr[0].Token != e.badAddr || cr[0].Amount.Cmp(bi(998_000)) != 0 {
		t.Fatalf("token: RefundCredited %+v", cr)
	}
	e.must(client2Key, e.escrow, escrowABI.PackWithdrawTo(e.badAddr, addr(otherKey)), nil)
	eqBig(t, "credit withdrawn elsewhere", e.tokenBalance(e.badAddr, addr(otherKey)), bi(998_000))
}

func reenteredEvents(r *types.Receipt) []*bindings.TestWalletReentered {
	var out []*bindings.TestWalletReentered
	for _, l := range r.Logs {
		if ev, err := walletABI.UnpackReenteredEvent(l); err == nil {
			out = append(out, ev)
		}
	}
	return out
}

var reentrantCall = bindings.SessionEscrowReentrancyGuardReentrantCallErrorID().Bytes()[:4]

// A malicious depositor re-enters the escrow from its refund, and a malicious
// host from its withdrawal: every re-entry is refused by the guard, and
// nobody is paid twice.
func TestReentrancy(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))

	// The depositor's wallet, receiving its refund, tries each state-changing entry point.
	wallet := e.newWallet(clientKey)
	openOther, _ := e.open(client2Key, tm)
	rcO, sigO := e.signedReceipt(client2Key, openOther, 1, 1, common.Hash{})
	// The refund push gives the depositor REFUND_GAS only, so its attempts are the short calls;
	// the host's wallet below (paid with all the gas left) tries the long ones.
	attempts := map[string][]byte{
		"withdraw":   escrowABI.PackWithdraw(common.Address{}),
		"withdrawTo": escrowABI.PackWithdrawTo(common.Address{}, wallet),
		"settleMany": escrowABI.PackSettleMany(nil),
		"refund":     escrowABI.PackRefund(openOther),
		"close":      escrowABI.PackClose(openOther),
	}
	for name, data := range attempts {
		e.must(clientKey, e.walletAt(wallet), walletABI.PackSetMode(3, e.escrowAddr, data), nil)
		r, err := e.execute(clientKey, wallet, escrowABI.PackOpen(tm), tm.Deposit)
		if err != nil {
			t.Fatal(err)
		}
		ev, _ := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
		rc, sig := e.signedReceipt(clientKey, ev.SessionId, 100, 100, common.Hash{})
		walletBefore := e.ethBalance(wallet)
		r, err = e.settle(hostKey, sett(rc, sig, nil, nil))
		if err != nil {
			t.Fatalf("%s: %v%s", name, err, e.describe(err))
		}
		re := reenteredEvents(r)
		if len(re) != 1 || re[0].Ok || !bytes.Equal(re[0].Result, reentrantCall) {
			t.Fatalf("%s: re-entry %+v, want refused with ReentrancyGuardReentrantCall", name, re)
		}
		eqBig(t, name+": refund pushed once", e.ethBalance(wallet), new(big.Int).Add(walletBefore, settledEvents(r)[0].Refund))
	}

	// The host's wallet, receiving its earnings, tries to withdraw again.
	hw := e.newWallet(hostKey)
	tmH := e.terms(hw)
	for i := 0; i < 2; i++ {
		id, _ := e.open(clientKey, tmH)
		rc, sig := e.signedReceipt(clientKey, id, 1000, 1000, common.Hash{})
		if _, err := e.execute(hostKey, hw, escrowABI.PackSettle(sett(rc, sig, nil, nil)), nil); err != nil {
			t.Fatalf("%v%s", err, e.describe(err))
		}
	}
	earned := e.escrowBalance(hw, common.Address{})
	idO, _ := e.open(client2Key, tmH)
	rcO, sigO = e.signedReceipt(client2Key, idO, 1, 1, common.Hash{})
	one := []bindings.SessionEscrowSettlement{sett(rcO, sigO, nil, nil)}
	hostAttempts := map[string][]byte{
		"withdraw":   escrowABI.PackWithdraw(common.Address{}),
		"withdrawTo": escrowABI.PackWithdrawTo(common.Address{}, hw),
		"settle":     escrowABI.PackSettle(one[0]),
		"settleMany": escrowABI.PackSettleMany(one),
		"open":       escrowABI.PackOpen(tm),
	}
	for name, data := range hostAttempts {
		e.must(hostKey, e.walletAt(hw), walletABI.PackSetMode(3, e.escrowAddr, data), nil)
		before := e.ethBalance(hw)
		r, err := e.execute(hostKey, hw, escrowABI.PackWithdraw(common.Address{}), nil)
		if err != nil {
			t.Fatalf("%s: %v%s", name, err, e.describe(err))
		}
		re := reenteredEvents(r)
		if len(re) != 1 || re[0].Ok || !bytes.Equal(re[0].Result, reentrantCall) {
			t.Fatalf("host %s: re-entry %+v", name, re)
		}
		eqBig(t, name+": host paid once", e.ethBalance(hw), new(big.Int).Add(before, earned))
		eqBig(t, name+": host balance", e.escrowBalance(hw, common.Address{}), bi(0))
		if e.session(idO).Depositor != addr(client2Key) {
			t.Fatalf("%s: the re-entry settled a session", name)
		}
		// Earn again for the next attempt.
		id, _ := e.open(clientKey, tmH)
		rc, sig := e.signedReceipt(clientKey, id, 1000, 1000, common.Hash{})
		if _, err := e.execute(hostKey, hw, escrowABI.PackSettle(sett(rc, sig, nil, nil)), nil); err != nil {
			t.Fatal(err)
		}
		earned = e.escrowBalance(hw, common.Address{})
	}
}

// Contract accounts (smart wallets) as depositor and host: receipts and
// checkpoints are accepted through ERC-1271.
func TestERC1271Signers(t *testing.T) {
	e := newEnv(t)
	dw := e.newWallet(clientKey)
	hw := e.newWallet(hostKey)
	tm := e.terms(hw)
	tm.Expiry = e.now() + 100
	r, err := e.execute(clientKey, dw, escrowABI.PackOpen(tm), tm.Deposit)
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	ev, _ := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
	id := ev.SessionId
	if ev.Depositor != dw {
		t.Fatalf("depositor %v", ev.Depositor)
	}
	rc, sig := e.signedReceipt(clientKey, id, 10, 20, common.Hash{5})
	cp, cpSig := e.signedCheckpoint(hostKey, id, 15, 25, common.Hash{6}, common.Hash{5})
	_, bad := e.signedReceipt(otherKey, id, 10, 20, common.Hash{5})
	_, badCp := e.signedCheckpoint(otherKey, id, 15, 25, common.Hash{6}, common.Hash{5})
	e.advance(200)
	_, err = e.settle(otherKey, sett(rc, bad, &cp, cpSig))
	wantErr[bindings.SessionEscrowInvalidReceiptSignature](t, err, escrowABI.UnpackError)
	_, err = e.settle(otherKey, sett(rc, sig, &cp, badCp))
	wantErr[bindings.SessionEscrowInvalidCheckpointSignature](t, err, escrowABI.UnpackError)
	before := e.ethBalance(dw)
	r, err = e.settle(otherKey, sett(rc, sig, &cp, cpSig))
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	sp := chain.SplitPayment(tm.Deposit, tm.InputPrice, tm.OutputPrice, 15, 25, testFeeBps)
	eqBig(t, "host wallet earnings", e.escrowBalance(hw, common.Address{}), sp.HostAmount)
	eqBig(t, "depositor wallet refund", e.ethBalance(dw), new(big.Int).Add(before, sp.Refund))
}
