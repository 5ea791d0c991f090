package main

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/fabnode/fabnode/host/chain/bindings"
	"github.com/fabnode/fabnode/host/chain/devchain"
	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The repository's config.hcl is make run's: payments optional in ETH, a
// development chain, and contract addresses that are the ones every
// development chain deploys.
func TestRepoConfigRunsOnTheDevChain(t *testing.T) {
	cfg, err := config.Load("../../../config.hcl", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Chain.Dev || cfg.Payments.Mode != "optional" || len(cfg.Payments.Tokens) != 1 || cfg.Payments.Tokens[0] != "ETH=native:18" {
		t.Fatalf("config.hcl: chain %+v, payments %+v", cfg.Chain, cfg.Payments)
	}
	if cur := cfg.Plugins["pricing"].Config["currency"]; cur != "ETH" {
		t.Fatalf("config.hcl's pricing quotes in %v, not ETH", cur)
	}
	dc, err := devchain.Start(devchain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	for key, pair := range map[string][2]string{"escrow": {cfg.Chain.Escrow, dc.Escrow.Hex()},
		"node_registry": {cfg.Chain.NodeRegistry, dc.NodeRegistry.Hex()}, "model_registry": {cfg.Chain.ModelRegistry, dc.ModelRegistry.Hex()}} {
		if pair[0] != pair[1] {
			t.Errorf("config.hcl: chain.%s = %s, but a development chain deploys it at %s", key, pair[0], pair[1])
		}
	}
}

// `make run` end to end, on the binaries: `fabnode serve` with chain.dev
// starts fabnode-devchain beside it, registers the node and its model at
// its quote, serves unpaid requests (payments optional) and paid ones: a
// session opened, chatted on and closed through the CLI with
// --dev-client-key (and no session key: the wallet signs the requests and
// receipts) is settled to the wei. Stopped and started again on
// the same data directory (a new chain, with another genesis), the node
// forgets the old chain's stores and a new paid chat settles the same way.
// Killed with SIGKILL, the node takes its chain with it.
func TestServeWithTheDevChain(t *testing.T) {
	repo, _ := config.Load("../../../config.hcl", nil)
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	for _, b := range []struct{ out, pkg string }{{"fabnode", "."}, {"fabnode-devchain", "../fabnode-devchain"}} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, b.out), b.pkg).CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", b.out, err, out)
		}
	}
	model, sum := genTiny(t)
	api, rpcAddr := freeAddr(t), freeAddr(t)
	data := filepath.Join(dir, "data")
	cfgPath := writeFile(t, dir, "config.hcl", fmt.Sprintf(`node {
  data_dir     = %q
  dev_key      = true
  plugin_watch = "0s"
}
api { listen = %q }
engine {
  parallel     = 2
  context_size = 512
}
model "tiny" { path = %q }
plugin "pricing" {
  kind   = "pricing"
  path   = %q
  config = { currency = "ETH", input_per_mtok = "1", output_per_mtok = "2" }
}
payments {
  mode          = "optional"
  tokens        = ["ETH=native:18"]
  settle_margin = "4s"
}
chain {
  dev            = true
  network        = "local"
  rpc            = "http://%s"
  escrow         = %q
  node_registry  = %q
  model_registry = %q
  confirmations  = 1
  poll_interval  = "100ms"
  receipt_poll   = "20ms"
}
`, data, api, model, plugintest.Build(t, "../../../plugins/pricing"), rpcAddr, repo.Chain.Escrow, repo.Chain.NodeRegistry, repo.Chain.ModelRegistry))
	t.Setenv("FABNODE_KEY_PASSWORD", "")

	serve := func() (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(filepath.Join(bin, "fabnode"), "serve", "--config", cfgPath)
		out := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if r, err := http.Get("http://" + api + "/health"); err == nil {
				r.Body.Close()
				return cmd, out
			}
			if time.Now().After(deadline) || cmd.ProcessState != nil {
				t.Fatalf("the node never served:\n%s", out)
			}
		}
	}
	paidChat := func(run1 int, log string) {
		t.Helper()
		rpc, err := ethclient.Dial("http://" + rpcAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer rpc.Close()
		e := &paidEnv{rpc: rpc, chainID: big.NewInt(1337), escrow: common.HexToAddress(repo.Chain.Escrow), treasury: devchain.Address(devchain.Treasury),
			feeBps: 250, nodeAddr: nodeAddress(t, "http://"+api)}
		e.start, _ = rpc.BlockNumber(context.Background())
		for _, want := range []string{"registered node " + e.nodeAddr.Hex() + " at http://" + api + ": model tiny (sha256 " + sum + ") from 1000000000000 input / 2000000000000 output wei per token",
			"funded client account " + devchain.Address(devchain.Client).Hex(), "PUBLIC development key"} {
			if !strings.Contains(log, want) {
				t.Fatalf("run %d: the node's output lacks %q:\n%s", run1, want, log)
			}
		}
		// Registered: the model in the ModelRegistry, the node in the NodeRegistry.
		mr, nr := bindings.NewModelRegistry(), bindings.NewNodeRegistry()
		for what, c := range map[string]struct {
			to   string
			data []byte
		}{"model": {repo.Chain.ModelRegistry, mr.PackExists([32]byte(mustHex(sum)))}, "node": {repo.Chain.NodeRegistry, nr.PackIsRegistered(e.nodeAddr)}} {
			to := common.HexToAddress(c.to)
			out, err := rpc.CallContract(context.Background(), ethereum.CallMsg{To: &to, Data: c.data}, nil)
			if err != nil || len(out) != 32 || out[31] != 1 {
				t.Fatalf("run %d: the %s is not registered: %x %v", run1, what, out, err)
			}
		}
		// Unpaid requests are served: payments are optional.
		r, err := http.Post("http://"+api+"/v1/chat/completions", "application/json",
			strings.NewReader(`{"messages":[{"role":"user","content":"hi"}],"max_tokens":4}`))
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("run %d: an unpaid request: %v %v", run1, r, err)
		}
		r.Body.Close()

		sess := filepath.Join(t.TempDir(), "session.json")
		client := devchain.Address(devchain.Client)
		before := e.balance(t, client)
		// The account /health names is checked against the registry: the
		// same node under a URL it did not register gets no deposit.
		other := strings.Replace("http://"+api, "127.0.0.1", "localhost", 1)
		if out, err := run(t, "client", "session", "open", "--config", cfgPath, "--node", other, "--dev-client-key", "--out", sess); err == nil ||
			!strings.Contains(err.Error(), "whose NodeRegistry entry gives its API as") {
			t.Fatalf("run %d: open through a URL the node did not register: %v\n%s", run1, err, out)
		}
		if out, err := run(t, "client", "session", "open", "--config", cfgPath, "--dev-client-key", "--deposit", "0.02", "--session-key=false", "--out", sess); err != nil ||
			!strings.Contains(out, "opened session 1 ") || !strings.Contains(out, "registered in the NodeRegistry with this API URL") {
			t.Fatalf("run %d: open: %v\n%s", run1, err, out)
		}
		out, err := run(t, "client", "session", "chat", "--config", cfgPath, "--dev-client-key", "--session", sess, "-m", "tell me about the green river", "--max-tokens", "40")
		if err != nil {
			t.Fatalf("run %d: chat: %v\n%s", run1, err, out)
		}
		t.Logf("run %d: fabnode client session chat:\n%s", run1, out)
		sf, _ := readSessionFile(sess)
		if out, err := run(t, "client", "session", "close", "--config", cfgPath, "--dev-client-key", "--session", sess); err != nil {
			t.Fatalf("run %d: close: %v\n%s", run1, err, out)
		}
		if sf.Receipted.OutputTokens != 40 {
			t.Fatalf("run %d: countersigned %+v", run1, sf.Receipted)
		}
		e.checkSettled(t, sf.id(), client, big.NewInt(2e16), sf.Receipted.InputTokens, sf.Receipted.OutputTokens, before)
	}

	node1, log1 := serve()
	paidChat(1, log1.String())
	stores1, _ := filepath.Glob(filepath.Join(data, "payments-1337-*.db"))
	if err := node1.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := node1.Wait(); err != nil {
		t.Fatalf("the node stopped with %v:\n%s", err, log1)
	}
	if c, err := net.Dial("tcp", rpcAddr); err == nil {
		c.Close()
		t.Fatal("the development chain outlived the node")
	}

	node2, log2 := serve()
	paidChat(2, log2.String())
	stores2, _ := filepath.Glob(filepath.Join(data, "payments-1337-*.db"))
	if len(stores1) != 1 || len(stores2) != 1 || stores1[0] == stores2[0] {
		t.Fatalf("payments stores %v, then %v: want one per chain, the old chain's gone", stores1, stores2)
	}
	if old, _ := filepath.Glob(filepath.Join(data, "chain-1337.db.*")); len(old) != 0 || strings.Contains(log2.String(), "another chain") {
		t.Fatalf("the store of the last run's chain is kept %v, or taken for this one's:\n%s", old, log2)
	}
	// SIGKILL leaves no time to stop the chain: it goes when its input closes.
	node2.Process.Kill()
	node2.Wait()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.Dial("tcp", rpcAddr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the development chain outlived a killed node by 10 s")
		}
	}
}

// nodeAddress is the account a node reports in /health.
func nodeAddress(t *testing.T, url string) common.Address {
	t.Helper()
	var h struct {
		NodeKey string `json:"node_key"`
	}
	if err := getJSON(context.Background(), url+"/health", &h); err != nil || !common.IsHexAddress(h.NodeKey) {
		t.Fatalf("no node address in /health: %q %v", h.NodeKey, err)
	}
	return common.HexToAddress(h.NodeKey)
}
