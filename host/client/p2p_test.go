package client

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/fabnode/fabnode/host/chain"
	p2pclient "github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// The libp2p Payer signs each request on the session of the host it goes
// to, and countersigns on the stream only what arrived on it, as Chat does
// over HTTP.
func TestSessionsPayOverLibp2p(t *testing.T) {
	ctx := context.Background()
	key, _ := crypto.GenerateKey()
	domain := chain.Domain{ChainID: big.NewInt(1337), Escrow: common.HexToAddress("0xe5c0")}
	hostA, hostB := common.HexToAddress("0xa"), common.HexToAddress("0xb")
	sa := NewSession(big.NewInt(7), domain, key, "")
	payer := Sessions{hostA: sa}

	if _, _, err := payer.Pay(ctx, p2pclient.Candidate{Address: hostB}, []byte("{}")); err == nil {
		t.Fatal("paid a host without a session")
	}
	body := []byte(`{"messages":[]}`)
	cred, pay, err := payer.Pay(ctx, p2pclient.Candidate{Address: hostA}, body)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := hexutil.Decode(cred.Signature)
	signer, err := domain.RecoverRequest(chain.Request{SessionID: sa.ID, Nonce: cred.Nonce, BodyHash: crypto.Keccak256Hash(body)}, sig)
	if err != nil || signer != crypto.PubkeyToAddress(key.PublicKey) || cred.Session != "7" {
		t.Fatalf("request credentials %+v: signer %s, %v", cred, signer.Hex(), err)
	}
	next, _, _ := payer.Pay(ctx, p2pclient.Candidate{Address: hostA}, body)
	if next.Nonce <= cred.Nonce {
		t.Fatalf("nonce %d after %d", next.Nonce, cred.Nonce)
	}

	pay.Received("Hello")
	pay.Received(", world")
	mine := chain.NextOutputChain(chain.NextOutputChain(common.Hash{}, []byte("Hello")), []byte(", world"))
	good := wire.ReceiptRequest{Session: "7", InputTokens: 5, OutputTokens: 2, OutputChain: mine.Hex()}
	for name, req := range map[string]wire.ReceiptRequest{
		"another session":    {Session: "8", InputTokens: 5, OutputTokens: 2, OutputChain: mine.Hex()},
		"output not arrived": {Session: "7", InputTokens: 5, OutputTokens: 3, OutputChain: crypto.Keccak256Hash([]byte("x")).Hex()},
		"not a hash":         {Session: "7", InputTokens: 5, OutputTokens: 2, OutputChain: "0x1234"},
	} {
		if r, err := pay.Receipt(ctx, req); r != nil || err == nil {
			t.Errorf("%s: countersigned %+v (%v)", name, r, err)
		}
	}
	r, err := pay.Receipt(ctx, good)
	if err != nil || r == nil {
		t.Fatalf("a receipt for what arrived: %v", err)
	}
	rsig, _ := hexutil.Decode(r.Signature)
	signer, err = domain.RecoverReceipt(chain.Receipt{SessionID: sa.ID, InputTokens: 5, OutputTokens: 2, OutputChain: mine}, rsig)
	if err != nil || signer != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("receipt signed by %s: %v", signer.Hex(), err)
	}
	if sa.Receipted() != (Receipt{}) {
		t.Fatal("a receipt counted before the host took it")
	}
	pay.Acked(wire.ReceiptAck{Session: "7", InputTokens: 5, OutputTokens: 2, Error: &wire.Error{Kind: "invalid", Message: "refused"}})
	if sa.Receipted() != (Receipt{}) {
		t.Fatal("a refused receipt counted")
	}
	pay.Acked(wire.ReceiptAck{Session: "7", InputTokens: 5, OutputTokens: 2})
	if got := sa.Receipted(); got != (Receipt{InputTokens: 5, OutputTokens: 2, OutputChain: mine}) {
		t.Fatalf("receipted %+v", got)
	}
	// The same state again is not signed twice; a lower one is refused.
	if r, err := pay.Receipt(ctx, good); r != nil || err != nil {
		t.Errorf("the receipted state again: %+v, %v", r, err)
	}
	low := good
	low.InputTokens = 4
	if _, err := pay.Receipt(ctx, low); err == nil || !strings.Contains(err.Error(), "below") {
		t.Errorf("a state below the receipted one: %v", err)
	}
}
