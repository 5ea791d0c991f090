package chain_test

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/fabnode/fabnode/host/chain"
)

func randHash(r *rand.Rand) common.Hash {
	var h common.Hash
	for i := range h {
		h[i] = byte(r.UintN(256))
	}
	return h
}

// The hand-rolled hashes equal go-ethereum's generic EIP-712 encoder.
func TestTypedDataHashMatchesApitypes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		d := chain.Domain{ChainID: new(big.Int).SetUint64(r.Uint64()), Escrow: common.Address(randHash(r).Bytes()[:20])}
		id := new(big.Int).SetBytes(randHash(r).Bytes()[:1+r.IntN(32)])
		rc := chain.Receipt{SessionID: id, InputTokens: r.Uint64(), OutputTokens: r.Uint64(), OutputChain: randHash(r)}
		cp := chain.Checkpoint{SessionID: id, InputTokens: r.Uint64(), OutputTokens: r.Uint64(), OutputChain: randHash(r), PrevChain: randHash(r)}
		got, err := d.ReceiptHash(rc)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := apitypes.TypedDataAndHash(d.ReceiptTypedData(rc))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[:], want) {
			t.Fatalf("receipt %+v: %x, apitypes %x", rc, got, want)
		}
		got, err = d.CheckpointHash(cp)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err = apitypes.TypedDataAndHash(d.CheckpointTypedData(cp))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[:], want) {
			t.Fatalf("checkpoint %+v: %x, apitypes %x", cp, got, want)
		}
	}
}

func TestSignRecover(t *testing.T) {
	d := chain.Domain{ChainID: big.NewInt(8453), Escrow: common.HexToAddress("0x00000000000000000000000000000000000e5c40")}
	rc := chain.Receipt{SessionID: big.NewInt(7), InputTokens: 10, OutputTokens: 20, OutputChain: chain.OutputChainOf([]byte("hi"))}
	sig, err := d.SignReceipt(rc, clientKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("signature %x", sig)
	}
	if a, err := d.RecoverReceipt(rc, sig); err != nil || a != addr(clientKey) {
		t.Fatalf("recovered %v %v", a, err)
	}
	// Another session, chain or contract recovers someone else.
	for _, c := range []struct {
		d chain.Domain
		r chain.Receipt
	}{
		{d, chain.Receipt{SessionID: big.NewInt(8), InputTokens: 10, OutputTokens: 20, OutputChain: rc.OutputChain}},
		{chain.Domain{ChainID: big.NewInt(84532), Escrow: d.Escrow}, rc},
		{chain.Domain{ChainID: d.ChainID, Escrow: common.Address{1}}, rc},
	} {
		if a, err := c.d.RecoverReceipt(c.r, sig); err == nil && a == addr(clientKey) {
			t.Fatalf("signature valid for %+v %+v", c.d, c.r)
		}
	}
	cp := chain.Checkpoint{SessionID: big.NewInt(7), InputTokens: 11, OutputTokens: 25, OutputChain: common.Hash{1}, PrevChain: rc.OutputChain}
	cs, err := d.SignCheckpoint(cp, hostKey)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := d.RecoverCheckpoint(cp, cs); err != nil || a != addr(hostKey) {
		t.Fatalf("checkpoint recovered %v %v", a, err)
	}

	// What the escrow rejects, Recover rejects.
	h, _ := d.ReceiptHash(rc)
	raw := append([]byte{}, sig...)
	raw[64] -= 27
	for name, bad := range map[string][]byte{
		"64 bytes": sig[:64], "66 bytes": append(append([]byte{}, sig...), 0), "v in {0,1}": raw, "high s": malleate(sig),
	} {
		if _, err := chain.Recover(h, bad); !errors.Is(err, chain.ErrBadSignature) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// ContractSignature fixes v from crypto.Sign or a keystore.
	if got := chain.ContractSignature(raw); !bytes.Equal(got, sig) {
		t.Fatalf("ContractSignature %x", got)
	}
	if got := chain.ContractSignature(sig); !bytes.Equal(got, sig) {
		t.Fatal("ContractSignature changed a v of 27/28")
	}
	// Ids that are not uint256 are refused, not hashed.
	for _, id := range []*big.Int{nil, big.NewInt(-1), new(big.Int).Lsh(big.NewInt(1), 256)} {
		if _, err := d.ReceiptHash(chain.Receipt{SessionID: id}); err == nil {
			t.Fatalf("hashed session id %v", id)
		}
	}
	if _, err := (chain.Domain{}).ReceiptHash(rc); err == nil {
		t.Fatal("hashed with a nil chain id")
	}
}

func TestOutputChain(t *testing.T) {
	if chain.OutputChainOf() != (common.Hash{}) {
		t.Fatal("the chain of nothing is not zero")
	}
	a, b := []byte("Hello"), []byte(", world")
	want := crypto.Keccak256Hash(make([]byte, 32), crypto.Keccak256(a))
	want = crypto.Keccak256Hash(want[:], crypto.Keccak256(b))
	if got := chain.OutputChainOf(a, b); got != want {
		t.Fatalf("chain %x, want %x", got, want)
	}
	if got := chain.NextOutputChain(chain.OutputChainOf(a), b); got != want {
		t.Fatal("incremental chain differs")
	}
	// Chunking matters: the same bytes split differently give another chain.
	if chain.OutputChainOf([]byte("Hello, world")) == want {
		t.Fatal("chunk boundaries not committed")
	}
	// Fixed vector, so any other implementation (the JS client) can check itself.
	if got := chain.OutputChainOf([]byte("Hello"), []byte(", world")).Hex(); got != outputChainVector {
		t.Fatalf("vector %s", got)
	}
}

// Computed independently with ethers: keccak256(concat([c, keccak256(toUtf8Bytes(s))])) over
// ["Hello", ", world"] from ZeroHash.
const outputChainVector = "0xf4a911de9d6b14d5cdc8fb64f00cdcbd8860249dba96cfd3dfdfb82509804902"

func TestSplitPayment(t *testing.T) {
	sp := chain.SplitPayment(big.NewInt(1000), big.NewInt(3), big.NewInt(7), 10, 20, 1000)
	if sp.Payment.Int64() != 170 || sp.Fee.Int64() != 17 || sp.HostAmount.Int64() != 153 || sp.Refund.Int64() != 830 {
		t.Fatalf("%+v", sp)
	}
	sp = chain.SplitPayment(big.NewInt(100), big.NewInt(3), big.NewInt(7), 10, 20, 999)
	if sp.Payment.Int64() != 100 || sp.Fee.Int64() != 9 || sp.HostAmount.Int64() != 91 || sp.Refund.Int64() != 0 {
		t.Fatalf("capped %+v", sp)
	}
}
