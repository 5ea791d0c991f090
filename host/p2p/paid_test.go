package p2p_test

import (
	"context"
	"math/big"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/chain/devchain"
	fclient "github.com/fabnode/fabnode/host/client"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/wire"
)

// Session prices: the pricing plugin quotes 1000 and 2000 nano-ETH per
// token; sessions pay exactly that in wei.
var (
	inPrice  = big.NewInt(1_000_000_000_000)
	outPrice = big.NewInt(2_000_000_000_000)
	deposit  = new(big.Int).Set(devchain.Ether)
)

const creditWindow = 8

// Paid inference over libp2p on a real (in-process) chain. The client
// opens a session on each of two hosts and streams from the first; it
// signs the request frame's body, and countersigns on the same stream
// each state the host asks a receipt for once its own output chain
// matches, so the stream never stalls at the credit window. The first
// host dies mid-stream; the client fails over to the second, which
// answers in full. On settlement the dead host is paid for what the
// client countersigned (plus at most the credit window, the escrow's
// rule), the second for its whole answer, and the client gets the rest
// back: the balances add up to the deposits, to the wei.
func TestPaidStreamAndFailover(t *testing.T) {
	dc, err := devchain.Start(devchain.Options{Period: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	paidNode := func(bootstrap ...*host) *host {
		return startHostWith(t, "a", func(cfg *config.Config) {
			cfg.Plugins["pricing"] = withConfig(cfg.Plugins["pricing"], map[string]any{"currency": "ETH", "input_per_mtok": "1", "output_per_mtok": "2"})
			cfg.Chain = config.ChainConfig{Network: "local", RPC: dc.URL, ChainID: dc.ChainID.Int64(), Escrow: dc.Escrow.Hex(),
				NodeRegistry: dc.NodeRegistry.Hex(), ModelRegistry: dc.ModelRegistry.Hex(), Confirmations: 1,
				PollInterval: 50 * time.Millisecond, ReceiptPoll: 20 * time.Millisecond}
			cfg.Payments.Mode, cfg.Payments.Tokens = "required", []string{"ETH=native:18"}
			cfg.Payments.SettleIdle, cfg.Payments.SettleMargin, cfg.Payments.ReceiptWait = time.Hour, 30*time.Second, 5*time.Second
			bootstrapTo(bootstrap...)(cfg)
		}, func(n *node.Node) {
			if err := dc.Transfer(context.Background(), n.Key.Address(), devchain.Ether); err != nil { // gas for settling
				t.Fatal(err)
			}
		})
	}
	h1 := paidNode()
	h2 := paidNode(h1)
	rpc, err := ethclient.Dial(dc.URL)
	if err != nil {
		t.Fatal(err)
	}
	wallet := &fclient.Wallet{RPC: rpc, ChainID: dc.ChainID, Escrow: dc.Escrow, Key: devchain.Client}
	modelID, _ := wire.ParseSHA256(sha(t, "a"))
	sessKey, _ := crypto.GenerateKey()
	open := func(h *host) *big.Int {
		id, err := wallet.Open(context.Background(), fclient.Terms{Host: h.n.Key.Address(), ModelID: modelID, Deposit: deposit,
			InputPrice: inPrice, OutputPrice: outPrice, CreditWindow: creditWindow, Expiry: time.Now().Add(time.Hour),
			SessionKey: crypto.PubkeyToAddress(sessKey.PublicKey)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// The client pays each host on its own session, through the Go client
	// package's libp2p Payer.
	payer := fclient.Sessions{}
	for _, h := range []*host{h1, h2} {
		payer[h.n.Key.Address()] = fclient.NewSession(open(h), wallet.Domain(), sessKey, "")
	}
	session := func(h *host) *fclient.Session { return payer[h.n.Key.Address()] }
	c := newClient(t, h1)
	c.Payer = payer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	body := chatBody("Tell me a long story about the sea.", 60)

	// Unpaid, a node in payments mode required refuses.
	cd1 := c.Candidate(ctx, h1.n.P2P.ID(), sha(t, "a"))
	if a := (&client.Client{Net: c.Net}).Stream(ctx, cd1, client.Request{Body: body}, client.Handler{}); a.Err == nil || !strings.Contains(a.Err.Error(), "payment_required") {
		t.Fatalf("unpaid: %v", a.Err)
	}
	// Both hosts see their session confirmed on chain.
	for _, h := range []*host{h1, h2} {
		cd := c.Candidate(ctx, h.n.P2P.ID(), sha(t, "a"))
		waitFor(t, "the session confirmed", 30*time.Second, func() bool {
			a := c.Stream(ctx, cd, client.Request{Body: chatBody("hi", 1)}, client.Handler{})
			if a.Err != nil && !strings.Contains(a.Err.Error(), "not known") && !strings.Contains(a.Err.Error(), "not confirmed") {
				t.Fatalf("a paid request: %v", a.Err)
			}
			return a.Err == nil
		})
	}
	base := map[peer.ID]fclient.Receipt{}
	for _, h := range []*host{h1, h2} {
		base[h.n.P2P.ID()] = session(h).Receipted()
	}

	// The stream from h2, which dies after 20 pieces; h1 answers.
	cd2 := c.Candidate(ctx, h2.n.P2P.ID(), sha(t, "a"))
	var pieces atomic.Int32
	res, err := c.Chat(ctx, []client.Candidate{cd2, cd1}, client.Request{Body: body}, client.Handler{
		OnText: func(from peer.ID, _ string) {
			if from == h2.n.P2P.ID() && pieces.Add(1) == 20 {
				h2.n.P2P.Net().Host.Close()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	dead, done := res.Attempts[0], res.Attempts[1]
	if res.Host != h1.n.P2P.ID() || dead.End != nil || dead.Pieces < 20 || len(dead.Acks) < 2 {
		t.Fatalf("failover: host %s, dead attempt %d pieces, %d receipts acknowledged, %v", res.Host, dead.Pieces, len(dead.Acks), dead.Err)
	}
	for _, a := range append(dead.Acks, done.Acks...) {
		if a.Error != nil {
			t.Fatalf("a receipt refused: %+v", a.Error)
		}
	}
	got2, got1 := session(h2).Receipted(), session(h1).Receipted()
	if got1.OutputTokens-base[h1.n.P2P.ID()].OutputTokens != uint64(res.End.Usage.CompletionTokens) {
		t.Fatalf("h1 countersigned %+v after %+v for an answer of %d tokens", got1, base[h1.n.P2P.ID()], res.End.Usage.CompletionTokens)
	}
	if d := got2.OutputTokens - base[h2.n.P2P.ID()].OutputTokens; d == 0 || d > uint64(dead.Pieces) {
		t.Fatalf("h2 countersigned %d output tokens of the %d pieces it delivered", d, dead.Pieces)
	}

	// The client closes both sessions; each host settles its own.
	for _, h := range []*host{h1, h2} {
		if err := wallet.Close(ctx, session(h).ID); err != nil {
			t.Fatal(err)
		}
	}
	ev1 := settled(t, rpc, dc.Escrow, session(h1).ID)
	ev2 := settled(t, rpc, dc.Escrow, session(h2).ID)
	if ev1.OutputTokens != got1.OutputTokens || ev1.InputTokens != got1.InputTokens || ev1.WithCheckpoint {
		t.Errorf("h1 settled %d/%d tokens (checkpoint %v), the client countersigned %+v", ev1.InputTokens, ev1.OutputTokens, ev1.WithCheckpoint, got1)
	}
	if ev2.OutputTokens < got2.OutputTokens || ev2.OutputTokens > got2.OutputTokens+creditWindow || ev2.InputTokens < got2.InputTokens {
		t.Errorf("the dead host settled %d output tokens; the client countersigned %d (the escrow allows at most %d more)", ev2.OutputTokens, got2.OutputTokens, creditWindow)
	}
	balance := func(who common.Address) *big.Int {
		b, err := wallet.Balance(ctx, who, common.Address{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b1, b2, tr := balance(h1.n.Key.Address()), balance(h2.n.Key.Address()), balance(devchain.Address(devchain.Treasury))
	if b1.Cmp(ev1.HostAmount) != 0 || b2.Cmp(ev2.HostAmount) != 0 || tr.Cmp(new(big.Int).Add(ev1.Fee, ev2.Fee)) != 0 {
		t.Errorf("escrow balances: h1 %s h2 %s treasury %s; settled %s %s, fees %s %s", b1, b2, tr, ev1.HostAmount, ev2.HostAmount, ev1.Fee, ev2.Fee)
	}
	for _, ev := range []*bindings.SessionEscrowSessionSettled{ev1, ev2} {
		if sum := new(big.Int).Add(new(big.Int).Add(ev.HostAmount, ev.Fee), ev.Refund); sum.Cmp(deposit) != 0 {
			t.Errorf("a settlement pays out %s of a %s deposit", sum, deposit)
		}
	}
	t.Logf("the dead host h2: delivered %d pieces, the client countersigned %d output tokens, settled %d (checkpoint %v): host %s wei, fee %s, refund %s",
		dead.Pieces, got2.OutputTokens, ev2.OutputTokens, ev2.WithCheckpoint, ev2.HostAmount, ev2.Fee, ev2.Refund)
	t.Logf("h1: answered %d tokens, countersigned %d, settled %d: host %s wei, fee %s, refund %s",
		res.End.Usage.CompletionTokens, got1.OutputTokens, ev1.OutputTokens, ev1.HostAmount, ev1.Fee, ev1.Refund)
}

func withConfig(p config.PluginConfig, c map[string]any) config.PluginConfig {
	p.Config = c
	return p
}

var escrowABI = bindings.NewSessionEscrow()

// settled waits for the session's SessionSettled event.
func settled(t *testing.T, rpc *ethclient.Client, escrow common.Address, id *big.Int) *bindings.SessionEscrowSessionSettled {
	t.Helper()
	topic := escrowABI.GetABI().Events["SessionSettled"].ID
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		logs, err := rpc.FilterLogs(context.Background(), ethereum.FilterQuery{Addresses: []common.Address{escrow},
			Topics: [][]common.Hash{{topic}, {common.BigToHash(id)}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range logs {
			ev, err := escrowABI.UnpackSessionSettledEvent(&l)
			if err != nil {
				t.Fatal(err)
			}
			return ev
		}
	}
	t.Fatalf("session %s was never settled", id)
	return nil
}
