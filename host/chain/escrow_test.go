package chain_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// ---- constructor ----

func TestEscrowConstructor(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name string
		call func() []byte
	}{
		{"treasury", func() []byte { return escrowABI.PackTreasury() }},
	} {
		got, err := bind.Call(e.escrow, nil, c.call(), escrowABI.UnpackTreasury)
		if err != nil || got != addr(treasuryKey) {
			t.Fatalf("%s = %v, %v", c.name, got, err)
		}
	}
	fee, _ := bind.Call(e.escrow, nil, escrowABI.PackFeeBps(), escrowABI.UnpackFeeBps)
	win, _ := bind.Call(e.escrow, nil, escrowABI.PackDisputeWindow(), escrowABI.UnpackDisputeWindow)
	next, _ := bind.Call(e.escrow, nil, escrowABI.PackNextSessionId(), escrowABI.UnpackNextSessionId)
	if fee != testFeeBps || win != testDisputeWindow || next.Cmp(bi(1)) != 0 {
		t.Fatalf("feeBps %d disputeWindow %d nextSessionId %v", fee, win, next)
	}
	rt, _ := bind.Call(e.escrow, nil, escrowABI.PackRECEIPTTYPEHASH(), escrowABI.UnpackRECEIPTTYPEHASH)
	ct, _ := bind.Call(e.escrow, nil, escrowABI.PackCHECKPOINTTYPEHASH(), escrowABI.UnpackCHECKPOINTTYPEHASH)
	if common.Hash(rt) != crypto.Keccak256Hash([]byte(chain.ReceiptType)) || common.Hash(ct) != crypto.Keccak256Hash([]byte(chain.CheckpointType)) {
		t.Fatal("type hashes differ from package chain's type strings")
	}
	sep, _ := bind.Call(e.escrow, nil, escrowABI.PackDomainSeparator(), escrowABI.UnpackDomainSeparator)
	if want, _ := e.dom.Separator(); common.Hash(sep) != want {
		t.Fatalf("domain separator %x, Go %x", sep, want)
	}
	d, err := bind.Call(e.escrow, nil, escrowABI.PackEip712Domain(), escrowABI.UnpackEip712Domain)
	if err != nil || d.Name != chain.DomainName || d.Version != chain.DomainVersion || d.ChainId.Cmp(e.chainID) != 0 || d.VerifyingContract != e.escrowAddr {
		t.Fatalf("eip712Domain %+v %v", d, err)
	}
}

func TestEscrowConstructorReverts(t *testing.T) {
	e := newEnv(t)
	_, err := e.tryDeploy(deployerKey, bindings.SessionEscrowMetaData.Bin, escrowABI.PackConstructor(common.Address{}, 100, 60))
	wantErr[bindings.SessionEscrowInvalidTreasury](t, err, escrowABI.UnpackError)
	_, err = e.tryDeploy(deployerKey, bindings.SessionEscrowMetaData.Bin, escrowABI.PackConstructor(addr(treasuryKey), 1001, 60))
	if got := wantErr[bindings.SessionEscrowFeeTooHigh](t, err, escrowABI.UnpackError); got.FeeBps.Cmp(bi(1001)) != 0 {
		t.Fatalf("FeeTooHigh(%v)", got.FeeBps)
	}
	// The cap itself is allowed.
	e.deploy(deployerKey, bindings.SessionEscrowMetaData.Bin, escrowABI.PackConstructor(addr(treasuryKey), 1000, 60))
}

// ---- open ----

func TestOpenNative(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.SessionKey = addr(sessKey)
	before := e.ethBalance(addr(clientKey))
	id, r := e.open(clientKey, tm)
	if id.Cmp(bi(1)) != 0 {
		t.Fatalf("first id %v", id)
	}
	eqBig(t, "client balance", e.ethBalance(addr(clientKey)), new(big.Int).Sub(new(big.Int).Sub(before, tm.Deposit), txCost(r)))
	eqBig(t, "escrow balance", e.ethBalance(e.escrowAddr), tm.Deposit)
	ev, err := escrowABI.UnpackSessionOpenedEvent(r.Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if ev.Depositor != addr(clientKey) || ev.Host != tm.Host || ev.ModelId != tm.ModelId || ev.Token != tm.Token ||
		ev.Deposit.Cmp(tm.Deposit) != 0 || ev.InputPrice.Cmp(tm.InputPrice) != 0 || ev.OutputPrice.Cmp(tm.OutputPrice) != 0 ||
		ev.CreditWindow != tm.CreditWindow || ev.Expiry != tm.Expiry || ev.SessionKey != tm.SessionKey {
		t.Fatalf("SessionOpened %+v, terms %+v", ev, tm)
	}
	s := e.session(id)
	if s.Depositor != addr(clientKey) || s.Host != tm.Host || s.ModelId != tm.ModelId || s.Token != tm.Token ||
		s.Deposit.Cmp(tm.Deposit) != 0 || s.InputPrice.Cmp(tm.InputPrice) != 0 || s.OutputPrice.Cmp(tm.OutputPrice) != 0 ||
		s.CreditWindow != tm.CreditWindow || s.Expiry.Uint64() != tm.Expiry || s.SessionKey != tm.SessionKey {
		t.Fatalf("getSession %+v, terms %+v", s, tm)
	}
	// Ids are a counter.
	id2, _ := e.open(clientKey, tm)
	if id2.Cmp(bi(2)) != 0 {
		t.Fatalf("second id %v", id2)
	}
}

func TestOpenToken(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.Token = e.tokenAddr
	tm.Deposit = new(big.Int).Mul(bi(5), eth)
	e.mintApprove(e.tokenAddr, clientKey, tm.Deposit)
	id, _ := e.open(clientKey, tm)
	eqBig(t, "escrow token balance", e.tokenBalance(e.tokenAddr, e.escrowAddr), tm.Deposit)
	eqBig(t, "client token balance", e.tokenBalance(e.tokenAddr, addr(clientKey)), bi(0))
	if s := e.session(id); s.Token != e.tokenAddr || s.Deposit.Cmp(tm.Deposit) != 0 {
		t.Fatalf("session %+v", s)
	}
}

func TestOpenReverts(t *testing.T) {
	e := newEnv(t)
	h := addr(hostKey)
	u96 := new(big.Int).Sub(new(big.Int).Lsh(bi(1), 96), bi(1))
	over96 := new(big.Int).Lsh(bi(1), 96)

	tm := e.terms(common.Address{})
	wantErr[bindings.SessionEscrowInvalidHost](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError)

	tm = e.terms(h)
	tm.SessionKey = h
	wantErr[bindings.SessionEscrowSessionKeyIsHost](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError)

	tm = e.terms(h)
	tm.Deposit = bi(0)
	wantErr[bindings.SessionEscrowZeroDeposit](t, e.tryOpen(clientKey, tm, nil), escrowABI.UnpackError)

	tm = e.terms(h)
	tm.Token = e.tokenAddr
	tm.Deposit = over96
	wantErr[bindings.SessionEscrowDepositTooLarge](t, e.tryOpen(clientKey, tm, nil), escrowABI.UnpackError)

	tm = e.terms(h)
	tm.InputPrice = over96
	if got := wantErr[bindings.SessionEscrowPriceTooLarge](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError); got.Price.Cmp(over96) != 0 {
		t.Fatalf("PriceTooLarge(%v)", got.Price)
	}
	tm = e.terms(h)
	tm.OutputPrice = over96
	wantErr[bindings.SessionEscrowPriceTooLarge](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError)
	tm.OutputPrice = u96 // the largest price is fine
	if err := e.tryOpen(clientKey, tm, tm.Deposit); err != nil {
		t.Fatalf("max price: %v%s", err, e.describe(err))
	}

	tm = e.terms(h)
	tm.Expiry = e.now() - 1
	wantErr[bindings.SessionEscrowInvalidExpiry](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError)
	tm.Expiry = 1 << 40
	wantErr[bindings.SessionEscrowInvalidExpiry](t, e.tryOpen(clientKey, tm, tm.Deposit), escrowABI.UnpackError)

	tm = e.terms(h)
	got := wantErr[bindings.SessionEscrowWrongValue](t, e.tryOpen(clientKey, tm, new(big.Int).Sub(tm.Deposit, bi(1))), escrowABI.UnpackError)
	if got.Expected.Cmp(tm.Deposit) != 0 {
		t.Fatalf("WrongValue %+v", got)
	}
	wantErr[bindings.SessionEscrowWrongValue](t, e.tryOpen(clientKey, tm, nil), escrowABI.UnpackError)
	tm.Token = e.tokenAddr
	e.mintApprove(e.tokenAddr, clientKey, tm.Deposit)
	wantErr[bindings.SessionEscrowWrongValue](t, e.tryOpen(clientKey, tm, bi(1)), escrowABI.UnpackError)

	// A fee-on-transfer token delivers less than the deposit.
	tm = e.terms(h)
	tm.Token = e.badAddr
	e.must(deployerKey, e.bad, badABI.PackSetFee(bi(100)), nil) // 1%
	e.mintApprove(e.badAddr, clientKey, tm.Deposit)
	nr := wantErr[bindings.SessionEscrowDepositNotReceived](t, e.tryOpen(clientKey, tm, nil), escrowABI.UnpackError)
	if nr.Expected.Cmp(tm.Deposit) != 0 || nr.Received.Cmp(new(big.Int).Div(new(big.Int).Mul(tm.Deposit, bi(99)), bi(100))) != 0 {
		t.Fatalf("DepositNotReceived %+v", nr)
	}

	// Without an allowance the token's own error comes back through SafeERC20.
	tm = e.terms(h)
	tm.Token = e.tokenAddr
	e.must(client2Key, e.token, tokenABI.PackMint(addr(client2Key), tm.Deposit), nil)
	wantErr[bindings.TestTokenERC20InsufficientAllowance](t, e.tryOpen(client2Key, tm, nil), tokenABI.UnpackError)

	// A "token" without code cannot be called at all.
	tm.Token = addr(otherKey)
	if err := e.tryOpen(clientKey, tm, nil); err == nil {
		t.Fatal("opened a session in a token without code")
	}
}

// ---- close ----

func TestClose(t *testing.T) {
	e := newEnv(t)
	tm := e.terms(addr(hostKey))
	tm.SessionKey = addr(sessKey)
	id, _ := e.open(clientKey, tm)
	r := e.must(clientKey, e.escrow, escrowABI.PackClose(id), nil)
	ev, err := escrowABI.UnpackSessionClosingEvent(r.Logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if ev.SessionId.Cmp(id) != 0 || ev.Host != addr(hostKey) || ev.Deadline != e.now() || ev.SettleBy != e.now()+testDisputeWindow {
		t.Fatalf("SessionClosing %+v at %d", ev, e.now())
	}
	if s := e.session(id); s.Expiry.Uint64() != e.now() {
		t.Fatalf("deadline %v, want %d", s.Expiry, e.now())
	}
	// Closing again: the session has already ended.
	_, err = e.send(clientKey, e.escrow, escrowABI.PackClose(id), nil)
	wantErr[bindings.SessionEscrowSessionEnded](t, err, escrowABI.UnpackError)

	// The session key may close too.
	id2, _ := e.open(clientKey, tm)
	e.must(sessKey, e.escrow, escrowABI.PackClose(id2), nil)
}

func TestCloseReverts(t *testing.T) {
	e := newEnv(t)
	_, err := e.send(clientKey, e.escrow, escrowABI.PackClose(bi(7)), nil)
	wantErr[bindings.SessionEscrowSessionNotOpen](t, err, escrowABI.UnpackError)

	tm := e.terms(addr(hostKey))
	tm.SessionKey = addr(sessKey)
	tm.Expiry = e.now() + 100
	id, _ := e.open(clientKey, tm)
	for _, k := range []*ecdsa.PrivateKey{hostKey, otherKey} {
		_, err = e.send(k, e.escrow, escrowABI.PackClose(id), nil)
		wantErr[bindings.SessionEscrowNotDepositor](t, err, escrowABI.UnpackError)
	}
	e.advance(200)
	_, err = e.send(clientKey, e.escrow, escrowABI.PackClose(id), nil)
	got := wantErr[bindings.SessionEscrowSessionEnded](t, err, escrowABI.UnpackError)
	if got.Deadline != tm.Expiry {
		t.Fatalf("SessionEnded %+v", got)
	}
}
