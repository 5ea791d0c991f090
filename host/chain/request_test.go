package chain

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// The request digest is EIP-712 as go-ethereum's reference implementation
// computes it, and a signature recovers to its signer and to no one else
// for another session, nonce, body, chain or escrow.
func TestRequestSignatures(t *testing.T) {
	d := Domain{ChainID: big.NewInt(84532), Escrow: common.HexToAddress("0x00000000000000000000000000000000000e5c70")}
	r := Request{SessionID: big.NewInt(7), Nonce: 3, BodyHash: crypto.Keccak256Hash([]byte(`{"model":"m"}`))}
	h, err := d.RequestHash(r)
	if err != nil {
		t.Fatal(err)
	}
	ref, _, err := apitypes.TypedDataAndHash(d.RequestTypedData(r))
	if err != nil || common.BytesToHash(ref) != h {
		t.Fatalf("RequestHash %x, apitypes %x (%v)", h, ref, err)
	}
	key, _ := crypto.GenerateKey()
	sig, err := d.SignRequest(r, key)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := d.RecoverRequest(r, sig); err != nil || who != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("recovered %v, %v", who, err)
	}
	for name, other := range map[string]func() (Domain, Request){
		"session": func() (Domain, Request) { o := r; o.SessionID = big.NewInt(8); return d, o },
		"nonce":   func() (Domain, Request) { o := r; o.Nonce = 4; return d, o },
		"body":    func() (Domain, Request) { o := r; o.BodyHash[0] ^= 1; return d, o },
		"chain":   func() (Domain, Request) { o := d; o.ChainID = big.NewInt(8453); return o, r },
		"escrow":  func() (Domain, Request) { o := d; o.Escrow[19] ^= 1; return o, r },
	} {
		od, or := other()
		if who, _ := od.RecoverRequest(or, sig); who == crypto.PubkeyToAddress(key.PublicKey) {
			t.Errorf("the signature is good for another %s", name)
		}
	}
}
