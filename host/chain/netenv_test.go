package chain_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/hashicorp/go-hclog"

	"github.com/fabnode/fabnode/host/chain"
	"github.com/fabnode/fabnode/host/chain/bindings"
)

// The chain client's tests run against the simulated backend, reached two
// ways: in process (its own client, which also pushes logs), and over real
// HTTP: the simulated node's own JSON-RPC HTTP server (node.Config.HTTPHost
// and HTTPPort, the handler geth serves) behind faultProxy, an
// httputil.ReverseProxy that can go down, slow down, answer errors or drop
// eth_sendRawTransaction, so faults are injected on the wire.

// netEnv is env (the contracts deployed) with the simulated node served
// over HTTP through a fault proxy.
type netEnv struct {
	*env
	rpcURL string // the simulated node's HTTP endpoint
	proxy  *faultProxy
}

// httpOn serves the simulated node's eth, net and web3 APIs on port.
func httpOn(port int) func(*node.Config, *ethconfig.Config) {
	return func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost, nc.HTTPPort = "127.0.0.1", port
		nc.HTTPModules = []string{"eth", "net", "web3"}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// newSim starts a simulated chain (Osaka rules, every test key funded)
// serving HTTP on a free port. A port taken between choosing and binding it
// makes NewBackend panic; it is retried.
func newSim(t testing.TB, opts ...func(*node.Config, *ethconfig.Config)) (*simulated.Backend, string) {
	t.Helper()
	alloc := types.GenesisAlloc{}
	fund := new(big.Int).Mul(big.NewInt(1_000_000), eth)
	for _, k := range append([]*ecdsa.PrivateKey{deployerKey, treasuryKey, hostKey, host2Key, clientKey, client2Key, sessKey, otherKey}, manyClients...) {
		alloc[addr(k)] = types.Account{Balance: fund}
	}
	for try := 0; ; try++ {
		port := freePort(t)
		sim, err := func() (sim *simulated.Backend, err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("%v", r)
				}
			}()
			all := append([]func(*node.Config, *ethconfig.Config){simulated.WithBlockGasLimit(60_000_000), osaka, httpOn(port)}, opts...)
			return simulated.NewBackend(alloc, all...), nil
		}()
		if err == nil {
			t.Cleanup(func() { sim.Close() })
			return sim, fmt.Sprintf("http://127.0.0.1:%d", port)
		}
		if try == 3 {
			t.Fatal(err)
		}
	}
}

// newNetEnv deploys the contracts on a simulated chain served over HTTP
// behind a fault proxy.
func newNetEnv(t testing.TB, opts ...func(*node.Config, *ethconfig.Config)) *netEnv {
	t.Helper()
	sim, u := newSim(t, opts...)
	e := &env{t: t, sim: sim, cl: sim.Client(), ctx: context.Background()}
	id, err := e.cl.ChainID(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = id
	if err := sim.AdjustTime(1000 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	e.tokenAddr = e.deploy(deployerKey, bindings.TestTokenMetaData.Bin, nil)
	e.escrowAddr = e.deploy(deployerKey, bindings.SessionEscrowMetaData.Bin,
		escrowABI.PackConstructor(addr(treasuryKey), testFeeBps, testDisputeWindow))
	e.modelsAddr = e.deploy(deployerKey, bindings.ModelRegistryMetaData.Bin, nil)
	e.nodesAddr = e.deploy(deployerKey, bindings.NodeRegistryMetaData.Bin,
		nodesABI.PackConstructor(e.modelsAddr, e.tokenAddr, 7*24*3600))
	e.escrow = escrowABI.Instance(e.cl, e.escrowAddr)
	e.token = tokenABI.Instance(e.cl, e.tokenAddr)
	e.models = modelsABI.Instance(e.cl, e.modelsAddr)
	e.nodes = nodesABI.Instance(e.cl, e.nodesAddr)
	e.dom = chain.Domain{ChainID: e.chainID, Escrow: e.escrowAddr}
	return &netEnv{env: e, rpcURL: u, proxy: newFaultProxy(t, u)}
}

// dial connects an ethclient to the proxy in front of the chain.
func (n *netEnv) dial(t testing.TB) *ethclient.Client {
	t.Helper()
	cl, _, err := chain.Dial(context.Background(), n.proxy.URL(), n.chainID, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// mining commits a block every few milliseconds until the test ends or
// stop is called, as a chain with a short block time would.
func mining(t testing.TB, sim *simulated.Backend) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				sim.Commit()
			}
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(10 * time.Second):
				// go-ethereum's TxPool.Sync, which every simulated Commit
				// calls, answers one caller of two at once: a test that
				// Commits while mining runs hangs here.
				t.Error("the simulated chain's Commit hangs: did the test Commit while mining ran?")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// sendMined sends a transaction and waits for the mining goroutine to mine
// it. (Only one goroutine may Commit: two concurrent Commits wait on
// go-ethereum's TxPool.Sync, which then answers only one of them.)
func (n *netEnv) sendMined(from *ecdsa.PrivateKey, c *bind.BoundContract, data []byte, value *big.Int) *types.Receipt {
	n.t.Helper()
	tx, err := bind.Transact(c, n.opts(from, value), data)
	if err != nil {
		n.t.Fatalf("tx: %v%s", err, n.describe(err))
	}
	var r *types.Receipt
	eventually(n.t, "the transaction mined", 10*time.Second, func() bool {
		r, err = n.cl.TransactionReceipt(n.ctx, tx.Hash())
		return err == nil
	})
	if r.Status != types.ReceiptStatusSuccessful {
		n.t.Fatalf("tx %s reverted", tx.Hash())
	}
	return r
}

// Fault modes of the proxy.
const (
	faultNone      = ""
	faultDown      = "down"       // the connection is closed without an answer
	faultHTTP      = "http-502"   // 502 Bad Gateway
	faultRPCError  = "rpc-error"  // a JSON-RPC error for every call
	faultSlow      = "slow"       // every answer waits slowFor
	faultDropSend  = "drop-send"  // eth_sendRawTransaction never reaches the node (502)
	faultLoseReply = "lose-reply" // eth_sendRawTransaction reaches the node, its answer is lost (502)
)

const slowFor = 400 * time.Millisecond

// faultProxy is a real HTTP reverse proxy in front of a JSON-RPC endpoint.
type faultProxy struct {
	srv    *httptest.Server
	rp     *httputil.ReverseProxy
	mode   atomic.Value // string
	faults atomic.Int64 // requests the proxy broke

	mu      sync.Mutex
	methods map[string]int
	sends   []string // raw transactions that reached the node, as hex params
	logs    []json.RawMessage
}

func newFaultProxy(t testing.TB, target string) *faultProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{rp: httputil.NewSingleHostReverseProxy(u), methods: map[string]int{}}
	p.rp.ErrorLog = nil
	p.rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	p.mode.Store(faultNone)
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *faultProxy) URL() string        { return p.srv.URL }
func (p *faultProxy) set(mode string)    { p.mode.Store(mode) }
func (p *faultProxy) count(m string) int { p.mu.Lock(); defer p.mu.Unlock(); return p.methods[m] }

// getLogsFrom returns the fromBlock of every eth_getLogs call seen.
func (p *faultProxy) getLogsFrom() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []uint64
	for _, raw := range p.logs {
		var q []struct {
			FromBlock string `json:"fromBlock"`
		}
		if json.Unmarshal(raw, &q) == nil && len(q) == 1 {
			var n big.Int
			if _, ok := n.SetString(q[0].FromBlock[2:], 16); ok {
				out = append(out, n.Uint64())
			}
		}
	}
	return out
}

type rpcReq struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req rpcReq
	_ = json.Unmarshal(body, &req) // batches are forwarded as they are
	p.mu.Lock()
	p.methods[req.Method]++
	if req.Method == "eth_getLogs" {
		p.logs = append(p.logs, req.Params)
	}
	p.mu.Unlock()
	mode := p.mode.Load().(string)
	isSend := req.Method == "eth_sendRawTransaction"
	switch {
	case mode == faultDown:
		p.faults.Add(1)
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
		return
	case mode == faultHTTP || mode == faultDropSend && isSend:
		p.faults.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		return
	case mode == faultRPCError:
		p.faults.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"injected fault"}}`, orNull(req.ID))
		return
	case mode == faultSlow:
		p.faults.Add(1)
		select {
		case <-time.After(slowFor):
		case <-r.Context().Done():
			return
		}
	}
	if isSend {
		p.mu.Lock()
		p.sends = append(p.sends, string(req.Params))
		p.mu.Unlock()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	if mode == faultLoseReply && isSend {
		p.faults.Add(1)
		p.rp.ServeHTTP(discard{}, r)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	p.rp.ServeHTTP(w, r)
}

func orNull(id json.RawMessage) string {
	if len(id) == 0 {
		return "null"
	}
	return string(id)
}

// discard is a ResponseWriter that drops the answer.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// testLog sends a component's log to the test's.
func testLog(t testing.TB) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{Name: t.Name(), Level: hclog.Debug, Output: tWriter{t}})
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(bytes.TrimRight(b, "\n")))
	return len(b), nil
}

// openStore opens a store in a test directory (or at path).
func openStore(t testing.TB, path string) *chain.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "chain.db")
	}
	st, err := chain.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
