package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/client"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/fetch"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// Prices of the paid tests: the pricing plugin quotes 1000 and 2000
// nano-ETH per token (input_per_mtok 1, output_per_mtok 2); sessions pay
// exactly that, in wei.
var (
	inPrice  = big.NewInt(1_000_000_000_000)
	outPrice = big.NewInt(2_000_000_000_000)
	deposit  = new(big.Int).Set(devchain.Ether)
	feeBps   = uint16(250) // devchain's default
)

// paid is a node taking payments on a development chain, and a client.
type paid struct {
	*serving
	dc      *devchain.Chain
	wallet  *client.Wallet
	modelID [32]byte
	rpc     *ethclient.Client
}

func servePaid(t *testing.T, edit func(cfg *config.Config)) *paid {
	t.Helper()
	dc, err := devchain.Start(devchain.Options{Period: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], model); err != nil {
		t.Fatal(err)
	}
	sum, err := fetch.FileSHA256(model)
	if err != nil {
		t.Fatal(err)
	}
	p := &paid{dc: dc}
	copy(p.modelID[:], common.FromHex(sum))
	s := serveNodeWith(t, func(cfg *config.Config) {
		cfg.Models = map[string]config.ModelConfig{"tiny": {Path: model, GPULayers: -1}}
		cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: plugintest.Build(t, "../../plugins/pricing"),
			Config:      map[string]any{"currency": "ETH", "input_per_mtok": "1", "output_per_mtok": "2"},
			MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2}
		cfg.Chain = config.ChainConfig{Network: "local", RPC: dc.URL, ChainID: dc.ChainID.Int64(), Escrow: dc.Escrow.Hex(),
			NodeRegistry: dc.NodeRegistry.Hex(), ModelRegistry: dc.ModelRegistry.Hex(), Confirmations: 1,
			PollInterval: 50 * time.Millisecond, ReceiptPoll: 20 * time.Millisecond}
		cfg.Payments.Mode, cfg.Payments.Tokens = "required", []string{"ETH=native:18"}
		cfg.Payments.SettleIdle, cfg.Payments.SettleMargin, cfg.Payments.ReceiptWait = time.Hour, 30*time.Second, time.Second
		if edit != nil {
			edit(cfg)
		}
	}, func(n *node.Node) {
		// The node's dev key pays its settlements' gas.
		if err := dc.Transfer(context.Background(), n.Key.Address(), devchain.Ether); err != nil {
			t.Fatal(err)
		}
	})
	p.serving = s
	if p.rpc, err = ethclient.Dial(dc.URL); err != nil {
		t.Fatal(err)
	}
	p.wallet = &client.Wallet{RPC: p.rpc, ChainID: dc.ChainID, Escrow: dc.Escrow, Key: devchain.Client}
	return p
}

func (p *paid) open(t *testing.T, host common.Address, window uint32, sessionKey common.Address) *big.Int {
	t.Helper()
	return p.openWith(t, func(terms *client.Terms) {
		terms.Host, terms.CreditWindow, terms.SessionKey = host, window, sessionKey
	})
}

// openWith opens a session on the paid tests' terms, as edit changes them.
func (p *paid) openWith(t *testing.T, edit func(*client.Terms)) *big.Int {
	t.Helper()
	terms := client.Terms{ModelID: p.modelID, Deposit: deposit,
		InputPrice: inPrice, OutputPrice: outPrice, CreditWindow: 16, Expiry: time.Now().Add(time.Hour)}
	if p.serving != nil { // else the node runs in another process, and open names it
		terms.Host = p.n.Key.Address()
	}
	edit(&terms)
	id, err := p.wallet.Open(context.Background(), terms)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func chatBody(maxTokens int) map[string]any {
	return map[string]any{"model": "tiny", "max_tokens": maxTokens, "temperature": 0,
		"logit_bias": modelgen.NoEnd(), // greedy runs to its length wherever floating point differs
		"messages":   []map[string]string{{"role": "user", "content": "tell me about the green river"}}}
}

// chat retries while the node has not seen the session confirmed yet.
func chat(t *testing.T, s *client.Session, body map[string]any) (*client.Result, error) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := s.Chat(context.Background(), body, nil)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Status == 402 && (strings.Contains(ce.Message, "not known") || strings.Contains(ce.Message, "not confirmed")) && time.Now().Before(deadline) {
			continue
		}
		return res, err
	}
}

var escrowABI = bindings.NewSessionEscrow()

// settled waits for the session's SessionSettled event.
func (p *paid) settled(t *testing.T, id *big.Int) *bindings.SessionEscrowSessionSettled {
	t.Helper()
	topic := escrowABI.GetABI().Events["SessionSettled"].ID
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		logs, err := p.rpc.FilterLogs(context.Background(), ethereum.FilterQuery{Addresses: []common.Address{p.dc.Escrow},
			Topics: [][]common.Hash{{topic}, {common.BigToHash(id)}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range logs {
			ev, err := escrowABI.UnpackSessionSettledEvent(&l)
			if err != nil {
				t.Fatal(err)
			}
			if len(logs) > 1 {
				t.Fatalf("session %s settled %d times", id, len(logs))
			}
			return ev
		}
	}
	t.Fatalf("session %s was never settled", id)
	return nil
}

func (p *paid) balance(t *testing.T, who common.Address) *big.Int {
	t.Helper()
	b, err := p.wallet.Balance(context.Background(), who, common.Address{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A paid chat end to end on a real (in-process) chain: the client opens a
// session with a session key, streams a chat while countersigning what it
// receives, and closes; the node settles. The host earns exactly the
// countersigned tokens at the session's prices minus the fee, the treasury
// gets the fee, and the client the rest of its deposit back, to the wei.
func TestPaidSessionEndToEnd(t *testing.T) {
	p := servePaid(t, nil)
	sessKey, _ := crypto.GenerateKey()
	id := p.open(t, p.n.Key.Address(), 16, crypto.PubkeyToAddress(sessKey.PublicKey))
	s := client.NewSession(id, p.wallet.Domain(), sessKey, p.url)
	res, err := chat(t, s, chatBody(40))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text == "" || res.Finish != "length" {
		t.Fatalf("answer %q, finish %q", res.Text, res.Finish)
	}
	// A second request on the same session continues its ledger.
	if _, err := chat(t, s, chatBody(8)); err != nil {
		t.Fatal(err)
	}
	got := s.Receipted()
	if got.OutputTokens != 48 || got.InputTokens == 0 {
		t.Fatalf("countersigned %+v, want 48 output tokens", got)
	}
	if err := p.wallet.Close(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	ev := p.settled(t, id)
	want := chain.SplitPayment(deposit, inPrice, outPrice, got.InputTokens, got.OutputTokens, feeBps)
	if ev.InputTokens != got.InputTokens || ev.OutputTokens != got.OutputTokens || ev.OutputChain != got.OutputChain || ev.WithCheckpoint {
		t.Fatalf("settled %+v, countersigned %+v", ev, got)
	}
	if ev.HostAmount.Cmp(want.HostAmount) != 0 || ev.Fee.Cmp(want.Fee) != 0 || ev.Refund.Cmp(want.Refund) != 0 {
		t.Fatalf("settled host %s fee %s refund %s, want %s %s %s", ev.HostAmount, ev.Fee, ev.Refund, want.HostAmount, want.Fee, want.Refund)
	}
	if h, tr := p.balance(t, p.n.Key.Address()), p.balance(t, devchain.Address(devchain.Treasury)); h.Cmp(want.HostAmount) != 0 || tr.Cmp(want.Fee) != 0 {
		t.Fatalf("escrow balances: host %s, treasury %s; want %s, %s", h, tr, want.HostAmount, want.Fee)
	}
	t.Logf("%d input + %d output tokens: host %s wei, fee %s, refund %s", got.InputTokens, got.OutputTokens, want.HostAmount, want.Fee, want.Refund)
}

// Another account's session, a replayed nonce and a forged signature are
// refused with 403, and nothing is delivered or billed on them.
func TestForeignSessionsAndReplaysAre403(t *testing.T) {
	p := servePaid(t, nil)
	other, _ := crypto.GenerateKey()
	foreign := p.open(t, crypto.PubkeyToAddress(other.PublicKey), 16, common.Address{}) // for another host
	mine := p.open(t, p.n.Key.Address(), 16, common.Address{})

	expect403 := func(what string, err error) {
		t.Helper()
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Status != 403 {
			t.Errorf("%s: %v, want 403", what, err)
		}
	}
	_, err := chat(t, client.NewSession(foreign, p.wallet.Domain(), devchain.Client, p.url), chatBody(4))
	expect403("another host's session", err)
	// Signed by someone who is neither the depositor nor a session key.
	stranger, _ := crypto.GenerateKey()
	_, err = chat(t, client.NewSession(mine, p.wallet.Domain(), stranger, p.url), chatBody(4))
	expect403("a stranger's signature", err)
	// The same nonce twice.
	s := client.NewSession(mine, p.wallet.Domain(), devchain.Client, p.url)
	if _, err := chat(t, s, chatBody(4)); err != nil {
		t.Fatal(err)
	}
	before := s.Receipted()
	replay := client.NewSession(mine, p.wallet.Domain(), devchain.Client, p.url)
	replay.SetNonce(s.Nonce() - 1) // the nonce the first request used
	_, err = replay.Chat(context.Background(), chatBody(4), nil)
	expect403("a replayed nonce", err)
	if after := s.Receipted(); after != before {
		t.Fatalf("a refused request moved the session: %+v then %+v", before, after)
	}
}

// Each way a session can fail to pay for a request is refused before
// anything is served, with 402 and a message that says what to change, or
// 403 where the session is not the caller's to spend; a refused request
// spends neither the nonce nor the deposit.
func TestEveryPaymentRefusalHasItsOwnError(t *testing.T) {
	p := servePaid(t, func(cfg *config.Config) { cfg.Payments.SettleMargin = time.Minute })
	// No payment at all, where payments are required.
	resp, err := http.Post(p.url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"tiny","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 402 || !strings.Contains(body.Error.Message, "paid requests only") {
		t.Errorf("an unpaid request: %d %+v, want 402", resp.StatusCode, body.Error)
	}
	var otherModel [32]byte
	otherModel[0] = 1
	head, err := p.rpc.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	chainNow := time.Unix(int64(head.Time), 0) // the development chain's clock runs ahead of the wall's
	for _, c := range []struct {
		name   string
		terms  func(*client.Terms)
		status int
		says   string
	}{
		{"a session for another model", func(tm *client.Terms) { tm.ModelID = otherModel }, 403, "another model"},
		{"an input price below the quote", func(tm *client.Terms) { tm.InputPrice = new(big.Int).Sub(inPrice, big.NewInt(1)) }, 402, "below this node's quote"},
		{"an output price below the quote", func(tm *client.Terms) { tm.OutputPrice = big.NewInt(1) }, 402, "below this node's quote"},
		{"a deposit short of the request's most", func(tm *client.Terms) { tm.Deposit = big.NewInt(1_000_000) }, 402, "does not cover"},
		{"a session ending before the node could settle it", func(tm *client.Terms) { tm.Expiry = chainNow.Add(20 * time.Second) }, 402, "too soon"},
	} {
		id := p.openWith(t, c.terms)
		s := client.NewSession(id, p.wallet.Domain(), devchain.Client, p.url)
		_, err := chat(t, s, chatBody(8))
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Status != c.status || !strings.Contains(ce.Message, c.says) {
			t.Errorf("%s: %v, want %d saying %q", c.name, err, c.status, c.says)
			continue
		}
		// Nothing was delivered, so nothing is owed.
		if got := s.Receipted(); got.InputTokens != 0 || got.OutputTokens != 0 {
			t.Errorf("%s: a refused request was receipted: %+v", c.name, got)
		}
	}
	// A session id the escrow never issued.
	never := client.NewSession(big.NewInt(1<<40), p.wallet.Domain(), devchain.Client, p.url)
	_, err = never.Chat(context.Background(), chatBody(8), nil)
	if ce := (*client.Error)(nil); !errors.As(err, &ce) || ce.Status != 402 || !strings.Contains(ce.Message, "not known") {
		t.Errorf("an unknown session: %v, want 402", err)
	}
	// A closed session.
	id := p.open(t, p.n.Key.Address(), 16, common.Address{})
	s := client.NewSession(id, p.wallet.Domain(), devchain.Client, p.url)
	if _, err := chat(t, s, chatBody(4)); err != nil {
		t.Fatal(err)
	}
	if err := p.wallet.Close(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, err := s.Chat(context.Background(), chatBody(4), nil)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Status == 402 && (strings.Contains(ce.Message, "is closing") || strings.Contains(ce.Message, "settled")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed session: %v, want 402", err)
		}
	}
}

// With payments = "off" the node serves everyone free, payment headers
// or not, and bills no session.
func TestPaymentsOffServesEveryoneFree(t *testing.T) {
	p := servePaid(t, func(cfg *config.Config) { cfg.Payments.Mode = "off" })
	resp, err := http.Post(p.url+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"tiny","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("an unpaid request: %d", resp.StatusCode)
	}
	never := client.NewSession(big.NewInt(1<<40), p.wallet.Domain(), devchain.Client, p.url)
	if res, err := never.Chat(context.Background(), chatBody(4), nil); err != nil || res.Text == "" {
		t.Fatalf("a request signed for a session that does not exist: %v", err)
	}
}

// A client that vanishes mid-stream stops the stream at its credit
// window; the node settles, when the session goes idle, for its last
// receipt plus at most the window.
func TestAVanishedClientPaysAtMostTheCreditWindow(t *testing.T) {
	const window = 64 // the prompt (41 tokens) and some output
	p := servePaid(t, func(cfg *config.Config) { cfg.Payments.SettleIdle = time.Second })
	id := p.open(t, p.n.Key.Address(), window, common.Address{})
	s := client.NewSession(id, p.wallet.Domain(), devchain.Client, p.url)
	s.OnReceiptRequest = func(client.Receipt) bool { return false } // a client that never countersigns
	res, err := chat(t, s, chatBody(200))
	if err == nil || !strings.Contains(err.Error(), "no receipt") {
		t.Fatalf("the stream went on without receipts: %v (%d bytes)", err, len(res.Text))
	}
	ev := p.settled(t, id)
	if !ev.WithCheckpoint || ev.InputTokens+ev.OutputTokens > window || ev.InputTokens+ev.OutputTokens == 0 {
		t.Fatalf("settled %+v: want a checkpoint of at most %d tokens", ev, window)
	}
	want := chain.SplitPayment(deposit, inPrice, outPrice, ev.InputTokens, ev.OutputTokens, feeBps)
	if ev.HostAmount.Cmp(want.HostAmount) != 0 || ev.Refund.Cmp(want.Refund) != 0 {
		t.Fatalf("settled %+v, want %+v", ev, want)
	}
}

// The node is killed with SIGKILL mid-stream and restarted on the same
// data: every token the client countersigned is settled, exactly once.
func TestKillNineMidSessionSettlesEveryReceiptOnce(t *testing.T) {
	dc, err := devchain.Start(devchain.Options{Period: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	dir := t.TempDir()
	bin := filepath.Join(dir, "fabnode")
	build := exec.Command("go", "build", "-o", bin, "../cmd/fabnode")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building fabnode: %v\n%s", err, out)
	}
	model := filepath.Join(dir, "tiny.gguf")
	if _, err := modelgen.Generate(modelgen.Presets["tiny"], model); err != nil {
		t.Fatal(err)
	}
	sum, _ := fetch.FileSHA256(model)
	var modelID [32]byte
	copy(modelID[:], common.FromHex(sum))
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cfgPath := filepath.Join(dir, "config.hcl")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`node {
  data_dir     = %q
  dev_key      = true
  plugin_watch = "0s"
}
api { listen = %q }
engine {
  parallel     = 1
  context_size = 1024
}
model "tiny" { path = %q }
plugin "pricing" {
  kind   = "pricing"
  path   = %q
  config = { currency = "ETH", input_per_mtok = "1", output_per_mtok = "2" }
}
chain {
  network       = "local"
  rpc           = %q
  escrow        = %q
  confirmations = 1
  poll_interval = "50ms"
  receipt_poll  = "20ms"
}
payments {
  mode          = "required"
  tokens        = ["ETH=native:18"]
  settle_idle   = "1h"
  settle_margin = "30s"
  receipt_wait  = "5s"
}
`, filepath.Join(dir, "data"), addr, model, plugintest.Build(t, "../../plugins/pricing"), dc.URL, dc.Escrow.Hex())), 0o644)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--config", cfgPath)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		waitServing(t, "http://"+addr)
		return cmd
	}
	node1 := start()
	// The node's address: its dev key's, as its responses say.
	host := nodeAddress(t, "http://"+addr)
	if err := dc.Transfer(context.Background(), host, devchain.Ether); err != nil {
		t.Fatal(err)
	}
	rpc, _ := ethclient.Dial(dc.URL)
	p := &paid{dc: dc, rpc: rpc, wallet: &client.Wallet{RPC: rpc, ChainID: dc.ChainID, Escrow: dc.Escrow, Key: devchain.Client}, modelID: modelID}
	id := p.open(t, host, 16, common.Address{})
	s := client.NewSession(id, p.wallet.Domain(), devchain.Client, "http://"+addr)
	// Kill the node once the client has countersigned some output.
	receipts := 0
	s.OnReceiptRequest = func(client.Receipt) bool {
		receipts++
		if receipts == 3 {
			go func() { time.Sleep(50 * time.Millisecond); node1.Process.Signal(syscall.SIGKILL) }()
		}
		return true
	}
	if _, err := chat(t, s, chatBody(400)); err == nil {
		t.Fatal("the stream outlived SIGKILL")
	}
	node1.Wait()
	countersigned := s.Receipted()
	if countersigned.OutputTokens == 0 {
		t.Fatalf("nothing countersigned before the kill: %+v", countersigned)
	}
	start()
	if err := p.wallet.Close(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	ev := p.settled(t, id) // fails on a second settlement
	if ev.InputTokens < countersigned.InputTokens || ev.OutputTokens < countersigned.OutputTokens ||
		ev.InputTokens+ev.OutputTokens > countersigned.InputTokens+countersigned.OutputTokens+16 {
		t.Fatalf("settled %d+%d tokens; the client countersigned %+v (window 16)", ev.InputTokens, ev.OutputTokens, countersigned)
	}
	want := chain.SplitPayment(deposit, inPrice, outPrice, ev.InputTokens, ev.OutputTokens, feeBps)
	if ev.HostAmount.Cmp(want.HostAmount) != 0 || ev.Refund.Cmp(want.Refund) != 0 {
		t.Fatalf("settled %+v, want %+v", ev, want)
	}
	time.Sleep(time.Second) // a second settlement would be mined by now
	p.settled(t, id)
}

// nodeAddress is the account a node reports in /health.
func nodeAddress(t *testing.T, url string) common.Address {
	t.Helper()
	resp, err := http.Get(url + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		NodeKey string `json:"node_key"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	if !common.IsHexAddress(h.NodeKey) {
		t.Fatalf("no node address in /health: %q", h.NodeKey)
	}
	return common.HexToAddress(h.NodeKey)
}

// A receipt the node did not deliver (a chain that is not its own, or
// counts it never reached) and one signed by a stranger are refused; the
// countersigned state stays where it was.
func TestReceiptsMustNameWhatWasDelivered(t *testing.T) {
	p := servePaid(t, nil)
	id := p.open(t, p.n.Key.Address(), 256, common.Address{})
	s := client.NewSession(id, p.wallet.Domain(), devchain.Client, p.url)
	if _, err := chat(t, s, chatBody(6)); err != nil {
		t.Fatal(err)
	}
	good := s.Receipted()
	status := func(err error) int {
		var ce *client.Error
		if errors.As(err, &ce) {
			return ce.Status
		}
		t.Fatalf("not a refusal: %v", err)
		return 0
	}
	forged := good
	forged.OutputChain[0] ^= 1
	if got := status(s.Receipt(context.Background(), forged)); got != 400 {
		t.Errorf("a receipt of another output chain: %d, want 400", got)
	}
	more := good
	more.OutputTokens += 5
	if got := status(s.Receipt(context.Background(), more)); got != 400 {
		t.Errorf("a receipt beyond what was delivered: %d, want 400", got)
	}
	stranger, _ := crypto.GenerateKey()
	other := client.NewSession(id, p.wallet.Domain(), stranger, p.url)
	if got := status(other.Receipt(context.Background(), good)); got != 403 {
		t.Errorf("a stranger's receipt: %d, want 403", got)
	}
	// The good one again is accepted (idempotent).
	if err := s.Receipt(context.Background(), good); err != nil {
		t.Fatalf("the same receipt again: %v", err)
	}
}
