package p2p_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fabnode/fabnode/host/config"
	"github.com/fabnode/fabnode/host/node"
)

// The p2p block of config.hcl: values out of range are refused with
// file:line by their check tags; addresses that are not multiaddrs are
// refused when the node is built, naming the key and index.
func TestP2PConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(p2p string) string {
		path := filepath.Join(dir, "config.hcl")
		src := "node {\n  data_dir = \"" + dir + "\"\n  dev_key = true\n}\nmodel \"m\" {\n  path = \"m.gguf\"\n}\np2p {\n" + p2p + "}\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for src, want := range map[string]string{
		"  max_conns = 1\n":                 `config.hcl:9: p2p.max_conns must be between 4 and 1000000, got 1`,
		"  reachability = \"sometimes\"\n":  `config.hcl:9: p2p.reachability must be one of "auto", "public", "private", got "sometimes"`,
		"  max_frame_bytes = \"1GiB\"\n":    `config.hcl:9: p2p.max_frame_bytes must be between 4KiB and 64MiB, got 1GiB`,
		"  frame_timeout = \"1ms\"\n":       `config.hcl:9: p2p.frame_timeout must be at least 10ms, got 1ms`,
		"  max_requests_per_peer = 0\n":     `config.hcl:9: p2p.max_requests_per_peer must be between 1 and 1024, got 0`,
		"  reprovide_interval = \"100h\"\n": `config.hcl:9: p2p.reprovide_interval must be between 1m0s and 47h0m0s, got 100h0m0s`,
		"  mdsn = true\n":                   `config.hcl:9: unknown key "mdsn" in block "p2p"; did you mean "mdns"?`,
	} {
		_, err := config.Load(write(src), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v\nwant %s", src, err, want)
		}
	}
	cfg, err := config.Load(write("  enabled = true\n  listen = [\"/ip4/127.0.0.1/tcp/0\", \"/ip4/127.0.0.1/udp/0/quic-v2\"]\n  bootstrap = [\"/ip4/127.0.0.1/tcp/4001\"]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = node.New(cfg, nil)
	for _, want := range []string{`p2p.listen[1] "/ip4/127.0.0.1/udp/0/quic-v2" is not a multiaddr`, `p2p.bootstrap[0] "/ip4/127.0.0.1/tcp/4001": it must end in /p2p/<peer id>`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("node.New: %v\nwant %s", err, want)
		}
	}
	// Off by default, and config.Default's values are what the docs say.
	d := config.Default().P2P
	if d.Enabled || !d.MDNS || d.RelayService || !d.HolePunching || d.MaxConns != 256 || len(d.Listen) != 2 {
		t.Errorf("defaults %+v", d)
	}
}
