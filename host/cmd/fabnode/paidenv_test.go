package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/identity"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// The paid end-to-end tests (the Go CLI, the JS client) run on the
// embedded chain (devchain, in process), or, with FABNODE_DEVNET_RPC set
// (make devnet-test), on a real geth --dev: there the node's key deploys
// the contracts through `fabnode chain deploy --rpc`, funded from geth's
// dev account.
const envDevnetRPC = "FABNODE_DEVNET_RPC"

// The test node's pricing: 1 and 2 ETH per million tokens, 1000 and 2000
// nano-ETH per token, so sessions pay 10^12 and 2·10^12 wei per token.
var (
	wantInPrice  = big.NewInt(1_000_000_000_000)
	wantOutPrice = big.NewInt(2_000_000_000_000)
)

// paidEnv is a chain with the contracts, and a node taking payments on it.
type paidEnv struct {
	rpcURL   string
	rpc      *ethclient.Client
	chainID  *big.Int
	escrow   common.Address
	treasury common.Address
	// nodeRegistry is a NodeRegistry the node is not registered in (zero
	// on a devnet).
	nodeRegistry common.Address
	feeBps       uint16
	fund         func(t *testing.T, to common.Address, wei *big.Int)
	start        uint64 // the first block the tests look at

	nodeURL  string
	peerID   string // the node's libp2p peer id
	peerAddr string // and a multiaddr of it, /p2p/<id> at its end
	nodeAddr common.Address
	modelSHA string // the node's model file's SHA-256, hex
	cliCfg   string // a config for the client commands: the chain block and the node's api.listen
}

// newPaidEnv starts a chain (embedded, or the devnet's) and a node with
// payments required on it.
func newPaidEnv(t *testing.T) *paidEnv {
	t.Helper()
	t.Setenv(identity.EnvPassword, "")
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Node.DataDir = filepath.Join(dir, "data")
	cfg.Node.DevKey, cfg.Node.PluginWatch = true, 0
	key, err := node.LoadIdentity(cfg, nil) // the node's key, before the chain: it is funded there
	if err != nil {
		t.Fatal(err)
	}
	e := &paidEnv{nodeAddr: key.Address()}
	var chainBlock string
	if url := os.Getenv(envDevnetRPC); url != "" {
		chainBlock = e.devnet(t, url, cfg, dir)
	} else {
		dc, err := devchain.Start(devchain.Options{Period: 200 * time.Millisecond, Fund: []common.Address{e.nodeAddr}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dc.Close() })
		e.rpcURL, e.chainID, e.escrow, e.treasury, e.feeBps = dc.URL, dc.ChainID, dc.Escrow, devchain.Address(devchain.Treasury), 250
		e.nodeRegistry = dc.NodeRegistry // the node is not registered in it
		e.fund = func(t *testing.T, to common.Address, wei *big.Int) {
			if err := dc.Transfer(context.Background(), to, wei); err != nil {
				t.Fatal(err)
			}
		}
		chainBlock = fmt.Sprintf("chain {\n  network = \"local\"\n  rpc = %q\n  escrow = %q\n}\n", dc.URL, dc.Escrow.Hex())
	}
	if e.rpc, err = ethclient.Dial(e.rpcURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.rpc.Close)
	if e.start, err = e.rpc.BlockNumber(context.Background()); err != nil {
		t.Fatal(err)
	}

	model, sum := genTiny(t)
	e.modelSHA = sum
	cfg.Engine.ContextSize, cfg.Engine.Parallel = 512, 2
	cfg.Models["tiny"] = config.ModelConfig{Path: model, GPULayers: -1}
	cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: plugintest.Build(t, "../../../plugins/pricing"),
		Config:      map[string]any{"currency": "ETH", "input_per_mtok": "1", "output_per_mtok": "2"},
		MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2}
	cfg.Chain = config.ChainConfig{Network: "local", RPC: e.rpcURL, Escrow: e.escrow.Hex(), Confirmations: 1,
		PollInterval: 50 * time.Millisecond, ReceiptPoll: 20 * time.Millisecond}
	cfg.Payments.Mode, cfg.Payments.Tokens = "required", []string{"ETH=native:18"}
	cfg.Payments.SettleIdle, cfg.Payments.SettleMargin, cfg.Payments.ReceiptWait = time.Hour, 4*time.Second, 5*time.Second
	// The node also sells over libp2p, on loopback.
	cfg.P2P.Enabled, cfg.P2P.MDNS, cfg.P2P.Listen = true, false, []string{"/ip4/127.0.0.1/tcp/0"}
	n, addr := serveNode(t, cfg)
	e.nodeURL = "http://" + addr
	h := n.P2P.Net().Host // started before the HTTP API
	e.peerID, e.peerAddr = h.ID().String(), h.Addrs()[0].String()+"/p2p/"+h.ID().String()
	e.cliCfg = writeFile(t, dir, "client.hcl", fmt.Sprintf("api {\n  listen = %q\n}\n%s", addr, chainBlock))
	return e
}

// devnet uses the geth --dev at url: it funds the node's key from geth's
// dev account and deploys the contracts with `fabnode chain deploy --rpc`,
// a fresh treasury taking the fee. It returns the client config's chain
// block.
func (e *paidEnv) devnet(t *testing.T, url string, cfg *config.Config, dir string) string {
	t.Helper()
	rc, err := rpc.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	var accounts []common.Address
	if err := rc.Call(&accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("geth --dev at %s has no dev account: %v", url, err)
	}
	cl := ethclient.NewClient(rc)
	e.rpcURL, e.feeBps = url, 250
	if e.chainID, err = cl.ChainID(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.fund = func(t *testing.T, to common.Address, wei *big.Int) {
		t.Helper()
		var h common.Hash
		if err := rc.Call(&h, "eth_sendTransaction", map[string]any{"from": accounts[0], "to": to, "value": (*hexutil.Big)(wei)}); err != nil {
			t.Fatal(err)
		}
		// bind.WaitMined polls once a second; this polls often.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			r, err := cl.TransactionReceipt(context.Background(), h)
			if err == nil && r.Status == types.ReceiptStatusSuccessful {
				return
			}
			if err == nil || !errors.Is(err, ethereum.NotFound) || time.Now().After(deadline) {
				t.Fatalf("funding %s: %v %v", to.Hex(), r, err)
			}
		}
	}
	e.fund(t, e.nodeAddr, new(big.Int).Mul(big.NewInt(10), wei1e18))
	tk, _ := crypto.GenerateKey()
	e.treasury = crypto.PubkeyToAddress(tk.PublicKey)
	nodeCfg := writeFile(t, dir, "deploy.hcl", fmt.Sprintf("node {\n  data_dir = %q\n  dev_key = true\n}\n", cfg.Node.DataDir))
	out, err := run(t, "chain", "deploy", "--config", nodeCfg, "--rpc", url, "--network", "local", "--treasury", e.treasury.Hex(), "--fee-bps", "250")
	m := regexp.MustCompile(`escrow\s+= "(0x[0-9a-fA-F]{40})"`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("chain deploy: %v\n%s", err, out)
	}
	e.escrow = common.HexToAddress(m[1])
	t.Logf("devnet %s: deployed with `fabnode chain deploy`, escrow %s", url, e.escrow.Hex())
	return fmt.Sprintf("chain {\n  network = \"local\"\n  rpc = %q\n  escrow = %q\n}\n", url, e.escrow.Hex())
}

// newClient is a fresh funded account, its key in a hex key file.
func (e *paidEnv) newClient(t *testing.T, eth int64) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, _ := crypto.GenerateKey()
	e.fund(t, crypto.PubkeyToAddress(k.PublicKey), new(big.Int).Mul(big.NewInt(eth), wei1e18))
	f := writeFile(t, t.TempDir(), "client.key", hexutil.Encode(crypto.FromECDSA(k))+"\n")
	return k, f
}

func (e *paidEnv) balance(t *testing.T, who common.Address) *big.Int {
	t.Helper()
	b, err := e.rpc.BalanceAt(context.Background(), who, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// escrowBalance is an account's withdrawable ETH in the escrow.
func (e *paidEnv) escrowBalance(t *testing.T, who common.Address) *big.Int {
	t.Helper()
	b, err := chain.Earnings(context.Background(), e.rpc, e.escrow, who, common.Address{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gasPaid is what the transactions from account cost it in gas since the
// environment started, read from every block's transactions and receipts.
func (e *paidEnv) gasPaid(t *testing.T, account common.Address) (*big.Int, int) {
	t.Helper()
	ctx := context.Background()
	head, err := e.rpc.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	signer := types.LatestSignerForChainID(e.chainID)
	total, n := new(big.Int), 0
	for b := e.start; b <= head; b++ {
		blk, err := e.rpc.BlockByNumber(ctx, new(big.Int).SetUint64(b))
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range blk.Transactions() {
			if from, err := types.Sender(signer, tx); err != nil || from != account {
				continue
			}
			r, err := e.rpc.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				t.Fatal(err)
			}
			total.Add(total, new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice))
			n++
		}
	}
	return total, n
}

var settledTopic = bindings.NewSessionEscrow().GetABI().Events["SessionSettled"].ID

// settlements are the session's SessionSettled events.
func (e *paidEnv) settlements(t *testing.T, id *big.Int) []*bindings.SessionEscrowSessionSettled {
	t.Helper()
	logs, err := e.rpc.FilterLogs(context.Background(), ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(e.start),
		Addresses: []common.Address{e.escrow}, Topics: [][]common.Hash{{settledTopic}, {common.BigToHash(id)}}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*bindings.SessionEscrowSessionSettled
	for _, l := range logs {
		ev, err := bindings.NewSessionEscrow().UnpackSessionSettledEvent(&l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

// checkSettled checks a closed session's settlement to the wei: the
// escrow settled once, on exactly the countersigned tokens, the client
// paid those tokens at the session's prices, the host earned that minus
// the fee, the treasury got the fee, the rest of the deposit came back,
// and the client's ETH moved by exactly the payment plus the gas of its
// own transactions.
func (e *paidEnv) checkSettled(t *testing.T, id *big.Int, client common.Address, deposit *big.Int, in, out uint64, before *big.Int) {
	t.Helper()
	evs := e.settlements(t, id)
	if len(evs) != 1 {
		t.Fatalf("session %s settled %d times", id, len(evs))
	}
	ev := evs[0]
	want := chain.SplitPayment(deposit, wantInPrice, wantOutPrice, in, out, e.feeBps)
	if ev.InputTokens != in || ev.OutputTokens != out || ev.WithCheckpoint {
		t.Fatalf("settled %d+%d tokens (checkpoint %v), countersigned %d+%d", ev.InputTokens, ev.OutputTokens, ev.WithCheckpoint, in, out)
	}
	cost := new(big.Int).Add(new(big.Int).Mul(new(big.Int).SetUint64(in), wantInPrice), new(big.Int).Mul(new(big.Int).SetUint64(out), wantOutPrice))
	if want.Payment.Cmp(cost) != 0 || ev.HostAmount.Cmp(want.HostAmount) != 0 || ev.Fee.Cmp(want.Fee) != 0 || ev.Refund.Cmp(want.Refund) != 0 {
		t.Fatalf("settled host %s fee %s refund %s; want %s %s %s (cost %s)", ev.HostAmount, ev.Fee, ev.Refund, want.HostAmount, want.Fee, want.Refund, cost)
	}
	if h, tr := e.escrowBalance(t, e.nodeAddr), e.escrowBalance(t, e.treasury); h.Cmp(want.HostAmount) != 0 || tr.Cmp(want.Fee) != 0 {
		t.Fatalf("escrow balances: host %s, treasury %s; want %s, %s", h, tr, want.HostAmount, want.Fee)
	}
	gas, txs := e.gasPaid(t, client)
	after := e.balance(t, client)
	spent := new(big.Int).Sub(before, after)
	if wantSpent := new(big.Int).Add(cost, gas); spent.Cmp(wantSpent) != 0 {
		t.Fatalf("the client's ETH fell by %s wei: want %s (%s for the tokens, %s gas in %d transactions)", spent, wantSpent, cost, gas, txs)
	}
	if txs != 2 {
		t.Fatalf("the client sent %d transactions, want 2 (open, close)", txs)
	}
	t.Logf("session %s: %d input + %d output tokens = %s wei: host %s, fee %s, refund %s; client gas %s wei in %d transactions",
		id, in, out, cost, ev.HostAmount, ev.Fee, ev.Refund, gas, txs)
}
