package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
	"github.com/fabnode/fabnode/sdk/plugintest"
)

// p2pNode serves a node from a config file (cfg) with p2p enabled on
// loopback; its admin listener is the default one, the unix socket sock in
// its data directory.
type p2pNode struct {
	n    *node.Node
	url  string
	cfg  string
	sock string
}

func startP2PNode(t *testing.T, model, wasm, bootstrap string) *p2pNode {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.hcl")
	bs := ""
	if bootstrap != "" {
		bs = fmt.Sprintf("  bootstrap = [%q]\n", bootstrap)
	}
	src := fmt.Sprintf(`node {
  data_dir     = %q
  dev_key      = true
  plugin_watch = "0s"
}
engine {
  context_size = 512
  parallel     = 2
}
model "tiny" {
  path = %q
}
plugin "pricing" {
  kind = "pricing"
  path = %q
}
p2p {
  enabled           = true
  listen            = ["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1", "/ip4/127.0.0.1/udp/0/quic-v1"]
  mdns              = false
  announce_interval = "300ms"
%s}
`, dir, model, wasm, bs)
	if err := os.WriteFile(cfgPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, addr := serveNode(t, cfg)
	p := &p2pNode{n: n, url: "http://" + addr, cfg: cfgPath, sock: filepath.Join(dir, "admin.sock")}
	return p
}

func (p *p2pNode) addr() string {
	h := p.n.P2P.Net().Host
	for _, a := range h.Addrs() {
		if strings.Contains(a.String(), "/tcp/") {
			return a.String() + "/p2p/" + h.ID().String()
		}
	}
	t := h.Addrs()[0]
	return t.String() + "/p2p/" + h.ID().String()
}

// Two nodes from config files find each other; `fabnode p2p status` and
// `peers` show it over the admin routes; `fabnode client discover` lists
// both hosts of the model and `client chat` streams the greedy answer the
// HTTP API gives, by model and by peer.
func TestP2PAndClientCommands(t *testing.T) {
	wasm := plugintest.Build(t, "../../../plugins/pricing")
	model, sum := genTiny(t)
	n1 := startP2PNode(t, model, wasm, "")
	n2 := startP2PNode(t, model, wasm, n1.addr())
	id1, id2 := n1.n.P2P.ID().String(), n2.n.P2P.ID().String()

	// As an operator runs it: the node's config names its admin socket.
	out, err := run(t, "p2p", "status", "-c", n1.cfg)
	if err != nil {
		t.Fatal(err, out)
	}
	t.Logf("fabnode p2p status:\n%s", out)
	for _, want := range []string{"peer id       " + id1, "address       " + n1.n.Key.Address().Hex(), "reachability", "/fabnode/inference/1",
		"/fabnode/quote/1", "tiny  sha256 " + sum, "cid bafkrei", "/ip4/127.0.0.1/udp/"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q", want)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out, err = run(t, "p2p", "peers", "--admin", "unix:"+n1.sock)
		if err == nil && strings.Contains(out, id2) && strings.Contains(out, " yes ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("peers: %v\n%s", err, out)
		}
	}
	t.Logf("fabnode p2p peers:\n%s", out)
	out, err = run(t, "p2p", "status", "--admin", "unix:"+n1.sock, "--json")
	var st map[string]any
	if err != nil || json.Unmarshal([]byte(out), &st) != nil || st["peer_id"] != id1 {
		t.Fatalf("status --json: %v %s", err, out)
	}
	if quic := strings.Count(fmt.Sprint(st["listen_addrs"]), "/quic-v1"); quic != 1 {
		t.Errorf("the config's duplicate QUIC listen address gave %d listeners: %v", quic, st["listen_addrs"])
	}

	out, err = run(t, "client", "discover", "--model", sum, "--bootstrap", n1.addr(), "--want", "2")
	if err != nil || !strings.Contains(out, id1) || !strings.Contains(out, id2) || !strings.Contains(out, "0.1000 USD") || !strings.Contains(out, "dht+announcement") {
		t.Fatalf("discover: %v\n%s", err, out)
	}
	t.Logf("fabnode client discover:\n%s", out)

	body := `{"model":"tiny","max_tokens":24,"temperature":0,"messages":[{"role":"user","content":"hello there"}]}`
	resp, err := http.Post(n2.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var whole struct {
		Choices []struct{ Message struct{ Content string } }
	}
	json.Unmarshal(b, &whole)
	want := printable(whole.Choices[0].Message.Content)
	for _, by := range [][]string{{"--model", "tiny"}, {"--peer", id2}} {
		cmd := rootCmd()
		var stdout, stderr bytes.Buffer
		cmd.SetOut(&stdout)
		cmd.SetErr(&stderr)
		cmd.SetArgs(append([]string{"client", "chat", "--bootstrap", n1.addr(), "-m", "hello there", "--max-tokens", "24"}, by...))
		if err := cmd.Execute(); err != nil {
			t.Fatalf("chat %v: %v\n%s", by, err, stderr.String())
		}
		if got := strings.TrimSuffix(stdout.String(), "\n"); got != want {
			t.Errorf("chat %v: %q, HTTP %q", by, got, want)
		}
		if !strings.Contains(stderr.String(), "24 completion tokens") {
			t.Errorf("chat %v stderr: %s", by, stderr.String())
		}
	}
}
