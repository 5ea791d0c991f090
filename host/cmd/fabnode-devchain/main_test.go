package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// started is a fabnode-devchain run in process: its Info line, and its
// standard input, whose closing stops it (--exit-with-parent).
func started(t *testing.T, fund common.Address) (Info, *io.PipeWriter, chan error) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--port", "0", "--period", "100ms", "--exit-with-parent", "--fund", fund.Hex()}, inR, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadBytes('\n')
	if err != nil {
		t.Fatalf("no line: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, outR)
	var info Info
	if err := json.Unmarshal(line, &info); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	return info, inW, done
}

// fabnode-devchain prints its endpoint, contracts and funded accounts as
// one JSON line, and they are true of the chain it serves: chain 1337, the
// genesis it names, the contracts deployed, the extra account and the
// client funded, the client's private key its address's. Each start is a
// new chain (another genesis, though the same accounts are funded), and it
// exits when its standard input closes.
func TestDevchainDescribesItsChainAndExitsWithItsParent(t *testing.T) {
	k, _ := crypto.GenerateKey()
	extra := crypto.PubkeyToAddress(k.PublicKey)
	info, stdin, done := started(t, extra)
	ctx := context.Background()
	cl, err := ethclient.Dial(info.RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if id, err := cl.ChainID(ctx); err != nil || id.Int64() != 1337 || info.ChainID != 1337 {
		t.Fatalf("chain id %v %v, says %d", id, err, info.ChainID)
	}
	if g, err := cl.HeaderByNumber(ctx, big.NewInt(0)); err != nil || g.Hash() != info.Genesis {
		t.Fatalf("genesis %v %v, says %s", g, err, info.Genesis)
	}
	for name, a := range map[string]common.Address{"escrow": info.Escrow, "node registry": info.NodeRegistry, "model registry": info.ModelRegistry, "token": info.Token} {
		if code, err := cl.CodeAt(ctx, a, nil); err != nil || len(code) == 0 {
			t.Errorf("no %s at %s (%v)", name, a.Hex(), err)
		}
	}
	key, err := crypto.ToECDSA(hexutil.MustDecode(info.Client.PrivateKey))
	if err != nil || crypto.PubkeyToAddress(key.PublicKey) != info.Client.Address {
		t.Fatalf("the client key is not the client address's: %v", err)
	}
	for _, a := range []common.Address{extra, info.Client.Address} {
		if b, err := cl.BalanceAt(ctx, a, nil); err != nil || b.Cmp(info.FundsWei) != 0 {
			t.Errorf("%s holds %v wei (%v), want %s", a.Hex(), b, err, info.FundsWei)
		}
	}
	again, stdin2, done2 := started(t, extra)
	if again.Genesis == info.Genesis || again.Escrow != info.Escrow {
		t.Fatalf("a second chain has genesis %s and escrow %s; the first %s and %s: want another genesis, the same addresses",
			again.Genesis, again.Escrow.Hex(), info.Genesis, info.Escrow.Hex())
	}
	for _, c := range []struct {
		in   *io.PipeWriter
		done chan error
	}{{stdin, done}, {stdin2, done2}} {
		c.in.Close()
		select {
		case err := <-c.done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("still running 10 s after its standard input closed")
		}
	}
}
