package node_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/client"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// A node started again on its data directory against a new chain with
// the same chain id (a development chain started again: its session ids
// begin at 1 again) gets a payments store of its own, named by the
// chain's genesis, and a chain store of its own (the old one moved
// aside): the new chain's session 1 is served and settled on its own
// receipts, to the wei, not on the old session 1's ledger and nonces.
func TestANewChainWithTheSameIDGetsItsOwnPaymentsStore(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	model := filepath.Join(t.TempDir(), "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], model); err != nil {
		t.Fatal(err)
	}
	sum, _ := fetch.FileSHA256(model)
	var modelID [32]byte
	copy(modelID[:], common.FromHex(sum))
	pricing := plugintest.Build(t, "../../plugins/pricing")
	for round := 1; round <= 2; round++ {
		// Another genesis each round: the alloc differs by one account.
		salt, _ := crypto.GenerateKey()
		dc, err := devchain.Start(devchain.Options{Period: 100 * time.Millisecond, Fund: []common.Address{crypto.PubkeyToAddress(salt.PublicKey)}})
		if err != nil {
			t.Fatal(err)
		}
		s := serveNodeWith(t, func(cfg *config.Config) {
			cfg.Node.DataDir = data
			cfg.Models = map[string]config.ModelConfig{"tiny": {Path: model, GPULayers: -1}}
			cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: pricing,
				Config:      map[string]any{"currency": "ETH", "input_per_mtok": "1", "output_per_mtok": "2"},
				MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2}
			cfg.Chain = config.ChainConfig{Network: "local", RPC: dc.URL, Escrow: dc.Escrow.Hex(), Confirmations: 1,
				PollInterval: 50 * time.Millisecond, ReceiptPoll: 20 * time.Millisecond}
			cfg.Payments.Mode, cfg.Payments.Tokens = "required", []string{"ETH=native:18"}
			cfg.Payments.SettleIdle, cfg.Payments.SettleMargin, cfg.Payments.ReceiptWait = time.Hour, 4*time.Second, time.Second
		}, func(n *node.Node) {
			if err := dc.Transfer(context.Background(), n.Key.Address(), devchain.Ether); err != nil {
				t.Fatal(err)
			}
		})
		rpc, err := ethclient.Dial(dc.URL)
		if err != nil {
			t.Fatal(err)
		}
		p := &paid{serving: s, dc: dc, rpc: rpc, modelID: modelID,
			wallet: &client.Wallet{RPC: rpc, ChainID: dc.ChainID, Escrow: dc.Escrow, Key: devchain.Client}}
		id := p.open(t, s.n.Key.Address(), 32, common.Address{})
		if id.Int64() != 1 {
			t.Fatalf("round %d: session %s, want 1 (a new chain)", round, id)
		}
		cs := client.NewSession(id, p.wallet.Domain(), devchain.Client, s.url)
		if _, err := chat(t, cs, chatBody(24)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got := cs.Receipted()
		if err := p.wallet.Close(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		ev := p.settled(t, id)
		want := chain.SplitPayment(deposit, inPrice, outPrice, got.InputTokens, got.OutputTokens, feeBps)
		if ev.InputTokens != got.InputTokens || ev.OutputTokens != got.OutputTokens || ev.HostAmount.Cmp(want.HostAmount) != 0 || ev.Refund.Cmp(want.Refund) != 0 {
			t.Fatalf("round %d: settled %+v, countersigned %+v, want %+v", round, ev, got, want)
		}
		s.stop()
		err = <-s.done
		s.done <- err // for the cleanup
		rpc.Close()
		dc.Close()
	}
	stores, _ := filepath.Glob(filepath.Join(data, "payments-1337-*.db"))
	aside, _ := filepath.Glob(filepath.Join(data, "chain-1337.db.*.old"))
	if len(stores) != 2 || len(aside) != 1 {
		t.Fatalf("payments stores %v, chain stores moved aside %v: want one store per chain", stores, aside)
	}
}
