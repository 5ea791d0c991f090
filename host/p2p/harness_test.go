package p2p_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/modelgen"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/host/p2p/client"
	"github.com/fabnode/fabnode/host/p2p/p2pnet"
	"github.com/fabnode/fabnode/host/p2p/wire"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

var loopback = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}

// shared is a directory removed when the tests end (plugintest's, where
// it puts the plugins it builds): the generated models and the nodes'
// shared wasm compilation cache.
func shared(t testing.TB, sub string) string {
	t.Helper()
	d := filepath.Join(filepath.Dir(plugintest.Build(t, "../../plugins/pricing")), "p2p-test", sub)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

var modelsMu sync.Mutex

// modelPath is a generated model: "a" (the tiny preset), "b" (the same
// shape, another seed, so another SHA-256) or "bench" (the bench preset),
// made once.
func modelPath(t testing.TB, name string) string {
	t.Helper()
	modelsMu.Lock()
	defer modelsMu.Unlock()
	p := filepath.Join(shared(t, "models"), name+".gguf")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	spec := modelgen.Presets["tiny"]
	spec.Seed = map[string]uint64{"a": 1, "b": 7}[name]
	if name == "bench" {
		spec = modelgen.Presets["bench"] // the one make bench measures
	}
	if _, err := modelgen.Generate(spec, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// host is a whole node (node.New, Prepare, Serve) with its libp2p host on
// loopback.
type host struct {
	n    *node.Node
	url  string
	stop context.CancelFunc
	done chan error
}

// startHost serves model ("a" or "b") as "tiny" with the pricing and
// proof plugins; edit may change the config before the node is built.
func startHost(t testing.TB, model string, edit func(cfg *config.Config)) *host {
	t.Helper()
	return startHostWith(t, model, edit, nil)
}

// startHostWith is startHost with built, when not nil, called with the
// node before it starts.
func startHostWith(t testing.TB, model string, edit func(cfg *config.Config), built func(*node.Node)) *host {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default()
	// Each node has its own data directory; they share the wasm
	// compilation cache, which makes each start quick.
	cfg.Node.DataDir = filepath.Join(dir, "data")
	if err := os.MkdirAll(cfg.Node.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared(t, "wasm-cache"), filepath.Join(cfg.Node.DataDir, "wasm-cache")); err != nil {
		t.Fatal(err)
	}
	cfg.Node.PluginWatch = 0
	cfg.Node.DevKey = true
	cfg.Engine.ContextSize, cfg.Engine.Parallel = 1024, 2
	cfg.API.ResponseCacheBytes = 0 // every answer generated: a cache hit is no test of the stream
	cfg.Models["tiny"] = config.ModelConfig{Path: modelPath(t, model), GPULayers: -1}
	cfg.Plugins["pricing"] = config.PluginConfig{Kind: "pricing", Path: plugintest.Build(t, "../../plugins/pricing"),
		MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2,
		Config: map[string]any{"currency": "USD", "input_per_mtok": "0.10", "output_per_mtok": "0.30"}}
	cfg.Plugins["proof"] = config.PluginConfig{Kind: "proof", Path: plugintest.Build(t, "../../plugins/proof"),
		MemoryLimit: 64 << 20, Timeout: time.Second, MaxOutputBytes: 65536, PoolSize: 2}
	p := &cfg.P2P
	p.Enabled, p.Listen, p.MDNS = true, loopback, false
	p.HolePunching, p.Reachability, p.DHTMode = false, "auto", "server"
	p.AnnounceInterval, p.AnnounceTTL = 500*time.Millisecond, 30*time.Second
	p.FrameTimeout, p.WriteTimeout = 3*time.Second, 5*time.Second
	if edit != nil {
		edit(cfg)
	}
	n, err := node.New(cfg, plugintest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if built != nil {
		built(n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := n.Prepare(ctx, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &host{n: n, url: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1)}
	go func() { h.done <- n.Serve(ctx, ln, 10*time.Second) }()
	t.Cleanup(func() {
		cancel()
		<-h.done
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if r, err := http.Get(h.url + "/health"); err == nil {
			r.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the node never answered /health")
		}
	}
	if n.P2P == nil || n.P2P.Net() == nil {
		t.Fatal("the node serves without its libp2p host")
	}
	return h
}

// addr is the host's first TCP address with its peer id, for bootstrap.
func (h *host) addr() string {
	n := h.n.P2P.Net()
	for _, a := range n.Host.Addrs() {
		if strings.Contains(a.String(), "/tcp/") {
			return a.String() + "/p2p/" + n.Host.ID().String()
		}
	}
	return n.Host.Addrs()[0].String() + "/p2p/" + n.Host.ID().String()
}

func bootstrapTo(hs ...*host) func(*config.Config) {
	return func(cfg *config.Config) {
		for _, h := range hs {
			cfg.P2P.Bootstrap = append(cfg.P2P.Bootstrap, h.addr())
		}
	}
}

// sha is the hex SHA-256 of a generated model.
func sha(t testing.TB, model string) string {
	t.Helper()
	b, err := os.ReadFile(modelPath(t, model))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// newClient is a client's own libp2p host (a DHT client) bootstrapped to
// hosts.
func newClient(t testing.TB, hs ...*host) *client.Client {
	t.Helper()
	var bs []string
	for _, h := range hs {
		bs = append(bs, h.addr())
	}
	k, _ := ethcrypto.GenerateKey()
	pk, err := wire.PrivKey(k)
	if err != nil {
		t.Fatal(err)
	}
	n, err := p2pnet.New(p2pnet.Options{Listen: loopback, Bootstrap: bs, DHTMode: "client", Registerer: prometheus.NewRegistry()}, pk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := n.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the client's routing table", 10*time.Second, func() bool { return n.DHT.RoutingTable().Size() > 0 })
	return &client.Client{Net: n, Log: plugintest.Logger(t)}
}

func waitFor(t testing.TB, what string, d time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
	}
}

// chatBody is a greedy chat request.
func chatBody(prompt string, maxTokens int) []byte {
	b, _ := json.Marshal(map[string]any{"model": "tiny", "temperature": 0, "max_tokens": maxTokens,
		"logit_bias": modelgen.NoEnd(), // greedy runs to its length wherever floating point differs
		"messages":   []map[string]string{{"role": "user", "content": prompt}}})
	return b
}

// httpAnswer is the whole answer of the same request over HTTP.
func httpAnswer(t testing.TB, h *host, body []byte) (string, map[string]any) {
	t.Helper()
	resp, err := http.Post(h.url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP %d: %s", resp.StatusCode, b)
	}
	var r struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage map[string]any `json:"usage"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r.Choices[0].Message.Content, r.Usage
}

// busy is how many of the model's slots generate now.
func busy(h *host) int {
	for _, st := range h.n.Models.List() {
		if st.Name == "tiny" {
			return st.Stats.Busy
		}
	}
	return -1
}
