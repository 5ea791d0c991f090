package chain_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// settleMany skips entries that can no longer be settled, with their reason,
// and settles the rest.
func TestSettleManySkipsStaleEntries(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	short := tm
	short.Expiry = e.now() + 100
	idShort, _ := e.open(clientKey, short) // will be past its settlement window
	tm.Expiry = e.now() + 100_000
	idA, _ := e.open(clientKey, tm)
	idSettled, _ := e.open(clientKey, tm)
	idRefunded, _ := e.open(client2Key, short)
	idB, _ := e.open(client2Key, tm)

	rs, ss := e.signedReceipt(clientKey, idSettled, 1, 1, common.Hash{})
	if _, err := e.settle(hostKey, sett(rs, ss, nil, nil)); err != nil {
		t.Fatal(err)
	}
	e.advance(100 + testDisputeWindow + 10)
	e.must(otherKey, e.escrow, escrowABI.PackRefund(idRefunded), nil)

	ra, sa := e.signedReceipt(clientKey, idA, 10, 20, common.Hash{1})
	rb, sb := e.signedReceipt(client2Key, idB, 30, 40, common.Hash{2})
	rsh, ssh := e.signedReceipt(clientKey, idShort, 5, 5, common.Hash{3})
	rr, sr := e.signedReceipt(client2Key, idRefunded, 5, 5, common.Hash{4})
	list := []bindings.SessionEscrowSettlement{
		sett(ra, sa, nil, nil),
		sett(rs, ss, nil, nil),   // already settled
		sett(ra, sa, nil, nil),   // duplicate within the batch
		sett(rsh, ssh, nil, nil), // window closed
		sett(rr, sr, nil, nil),   // refunded
		sett(chain.Receipt{SessionID: bi(12345)}, nil, nil, nil), // never opened
		sett(rb, sb, nil, nil),
	}
	r, err := e.settleMany(hostKey, list)
	if err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	evs := settledEvents(r)
	if len(evs) != 2 || evs[0].SessionId.Cmp(idA) != 0 || evs[1].SessionId.Cmp(idB) != 0 {
		t.Fatalf("settled %+v", evs)
	}
	notOpen := skippedEvents(r, 1)
	closed := skippedEvents(r, 2)
	if len(notOpen) != 4 || notOpen[0].Cmp(idSettled) != 0 || notOpen[1].Cmp(idA) != 0 || notOpen[2].Cmp(idRefunded) != 0 || notOpen[3].Cmp(bi(12345)) != 0 {
		t.Fatalf("skipped as not open: %v", notOpen)
	}
	if len(closed) != 1 || closed[0].Cmp(idShort) != 0 {
		t.Fatalf("skipped as window closed: %v", closed)
	}
	// The window-closed session is still refundable.
	e.must(otherKey, e.escrow, escrowABI.PackRefund(idShort), nil)
}

// A fault other than staleness reverts the whole batch, with its reason.
func TestSettleManyRevertsOnBadEntry(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.CreditWindow = 10
	id1, _ := e.open(clientKey, tm)
	id2, _ := e.open(client2Key, tm)
	r1, s1 := e.signedReceipt(clientKey, id1, 10, 10, common.Hash{})
	r2, _ := e.signedReceipt(client2Key, id2, 10, 10, common.Hash{})
	_, forged := e.signedReceipt(otherKey, id2, 10, 10, common.Hash{})
	_, err := e.settleMany(hostKey, []bindings.SessionEscrowSettlement{sett(r1, s1, nil, nil), sett(r2, forged, nil, nil)})
	got := wantErr[bindings.SessionEscrowInvalidReceiptSignature](t, err, escrowABI.UnpackError)
	if got.SessionId.Cmp(id2) != 0 {
		t.Fatalf("InvalidReceiptSignature(%v)", got.SessionId)
	}
	cp, cpSig := e.signedCheckpoint(hostKey, id1, 10, 21, common.Hash{}, common.Hash{})
	_, err = e.settleMany(hostKey, []bindings.SessionEscrowSettlement{sett(r1, s1, &cp, cpSig)})
	wantErr[bindings.SessionEscrowCreditWindowExceeded](t, err, escrowABI.UnpackError)
	_, err = e.settleMany(otherKey, []bindings.SessionEscrowSettlement{sett(r1, s1, nil, nil)})
	wantErr[bindings.SessionEscrowOnlyHostBeforeDeadline](t, err, escrowABI.UnpackError)
	if e.session(id1).Depositor != addr(clientKey) || e.session(id2).Depositor != addr(client2Key) {
		t.Fatal("a reverted batch settled something")
	}
}

// One relayer batch over two hosts and two tokens credits each (host, token)
// and the treasury exactly.
func TestSettleManyMixedHostsAndTokens(t *testing.T) {
	e := newEnv(t)
	type sess struct {
		id  *big.Int
		tm  bindings.SessionEscrowTerms
		hk  int
		dep int
	}
	var all []sess
	for i := 0; i < 8; i++ {
		h := hostKey
		if i%3 == 1 {
			h = host2Key
		}
		tm := e.terms(addr(h))
		tm.Expiry = e.now() + 1000
		tm.Deposit = bi(int64(1_000_000 + i))
		tm.InputPrice, tm.OutputPrice = bi(int64(3+i)), bi(int64(7+i))
		if i%2 == 1 {
			tm.Token = e.tokenAddr
			e.mintApprove(e.tokenAddr, manyClients[i], tm.Deposit)
		}
		id, _ := e.open(manyClients[i], tm)
		hk := 0
		if h == host2Key {
			hk = 1
		}
		all = append(all, sess{id, tm, hk, i})
	}
	e.advance(1100)
	want := map[[2]common.Address]*big.Int{}
	add := func(a, tok common.Address, v *big.Int) {
		k := [2]common.Address{a, tok}
		if want[k] == nil {
			want[k] = bi(0)
		}
		want[k].Add(want[k], v)
	}
	var list []bindings.SessionEscrowSettlement
	deps := map[int]*big.Int{}
	for i, s := range all {
		hk := hostKey
		if s.hk == 1 {
			hk = host2Key
		}
		in, out := uint64(100+i), uint64(200+i)
		rc, sig := e.signedReceipt(manyClients[s.dep], s.id, in, out, common.Hash{byte(i)})
		cp, cpSig := e.signedCheckpoint(hk, s.id, in+1, out+2, common.Hash{byte(i), 1}, common.Hash{byte(i)})
		list = append(list, sett(rc, sig, &cp, cpSig))
		sp := chain.SplitPayment(s.tm.Deposit, s.tm.InputPrice, s.tm.OutputPrice, in+1, out+2, testFeeBps)
		add(s.tm.Host, s.tm.Token, sp.HostAmount)
		add(addr(treasuryKey), s.tm.Token, sp.Fee)
		deps[i] = new(big.Int).Add(e.balanceIn(s.tm.Token, addr(manyClients[s.dep])), sp.Refund)
	}
	if _, err := e.settleMany(otherKey, list); err != nil {
		t.Fatalf("%v%s", err, e.describe(err))
	}
	for k, v := range want {
		eqBig(t, "balance "+k[0].Hex()+" "+k[1].Hex(), e.escrowBalance(k[0], k[1]), v)
	}
	for i, s := range all {
		eqBig(t, "refund", e.balanceIn(s.tm.Token, addr(manyClients[s.dep])), deps[i])
	}
}
